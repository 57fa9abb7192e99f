import { inngest } from "@/inngest/client";
import { sweepEvents } from "@/lib/ingest/sweep";

// A cron function rather than a timer in the app, so it also runs on Vercel.
export const sweepUndispatchedEvents = inngest.createFunction(
  { id: "sweep-undispatched-events", name: "Re-dispatch undispatched or stuck events", triggers: [{ cron: "* * * * *" }], retries: 1 },
  async () => sweepEvents(),
);
