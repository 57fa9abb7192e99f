// GET/POST/PUT /api/inngest – Inngest's serve endpoint: sync, and function calls signed by Inngest
// (or, in embedded mode, by the locally generated signing key).
import { inngestHandlers } from "@/inngest/serve";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT } = inngestHandlers;
