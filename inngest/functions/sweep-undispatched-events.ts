import { inngest } from "@/inngest/client";
import { env } from "@/lib/config";
import { sweepEvents } from "@/lib/ingest/sweep";

// A cron function rather than a timer in the app, so it also runs on Vercel.
export const sweepUndispatchedEvents = inngest.createFunction(
  { id: "sweep-undispatched-events", name: "Re-dispatch undispatched or stuck events", triggers: [{ cron: "* * * * *" }], retries: 1 },
  async () => {
    const config = env();
    return sweepEvents({
      undispatchedAfterSeconds: config.SWEEP_UNDISPATCHED_AFTER_SECONDS,
      stuckAfterSeconds: config.SWEEP_STUCK_AFTER_SECONDS,
      batchSize: 500,
    });
  },
);
