// GET/POST /api/auth/* – next-auth's own endpoints (csrf, credentials callback, session, signout).
// The login page signs in through a server action; these serve scripted sign-ins and tests.
import { handlers } from "@/lib/auth/next-auth";

export const { GET, POST } = handlers;
