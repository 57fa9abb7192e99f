import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/functions";
import { env, resolveQueueMode } from "@/lib/config";

// In embedded mode nothing outside this process ever needs to sync: an unsigned PUT must not make
// the SDK try to register with Inngest Cloud.
export const inngestHandlers = serve({
  client: inngest,
  functions,
  ...(resolveQueueMode(env()) === "embedded" ? { enableUnauthedSync: false } : {}),
});
