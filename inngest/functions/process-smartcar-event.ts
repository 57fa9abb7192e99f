import { NonRetriableError } from "inngest";
import { inngest } from "@/inngest/client";
import { SMARTCAR_EVENT_RECEIVED, type SmartcarEventReceivedData } from "@/inngest/events";
import { pool } from "@/lib/db/pool";
import { markDeadLettered, processStoredEvent } from "@/lib/processing/process-event";
import { z } from "zod";

const eventData = z.object({ eventId: z.string().min(1), vehicleId: z.string().nullable().optional() });

// A malformed queue event will not get better with retries.
function parseData(data: unknown): SmartcarEventReceivedData {
  const parsed = eventData.safeParse(data);
  if (!parsed.success) throw new NonRetriableError(`Malformed ${SMARTCAR_EVENT_RECEIVED} data: ${parsed.error.message}`);
  return { eventId: parsed.data.eventId, vehicleId: parsed.data.vehicleId ?? null };
}

// The whole application of an event is one database transaction in the function body, not a
// step: one SDK request per run (PLATFORM.md: an in-process request costs 2–2.6 ms of CPU), and
// retries are function-level — safe because the transaction is idempotent on eventId.
export const processSmartcarEvent = inngest.createFunction(
  {
    id: "process-smartcar-event",
    name: "Process a Smartcar event",
    triggers: [{ event: SMARTCAR_EVENT_RECEIVED }],
    concurrency: { key: "event.data.vehicleId", limit: 1 },
    retries: 3,
    onFailure: async ({ event, error, runId }) => {
      const { eventId } = parseData(event.data.event.data);
      await markDeadLettered(pool(), eventId, {
        reason: "PROCESSING_FAILED",
        message: error.message,
        stack: error.stack ?? null,
        attempt: null,
        runId,
        countsAsAttempt: false,
      });
      return { eventId, deadLettered: true };
    },
  },
  async ({ event, runId, attempt }) => {
    const { eventId } = parseData(event.data);
    return processStoredEvent(eventId, { runId, attempt });
  },
);
