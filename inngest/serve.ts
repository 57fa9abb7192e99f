import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/functions";

export const inngestHandlers = serve({ client: inngest, functions });
