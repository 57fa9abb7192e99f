import { inngest } from "@/inngest/client";
import { enqueueRuns } from "@/inngest/embedded/enqueue";
import { SMARTCAR_EVENT_RECEIVED, type SmartcarEventReceivedData } from "@/inngest/events";
import { env, resolveQueueMode } from "@/lib/config";
import { pool } from "@/lib/db/pool";
import { logger } from "@/lib/observability/logger";

export interface DispatchItem {
  eventId: string;
  vehicleId: string | null;
  /** Inngest event id (API.md §2): `<eventId>`, `<eventId>:sweep:<n>` or `<eventId>:redrive:<n>`. */
  inngestId: string;
}

/**
 * Hands stored events to the queue and records that it did. Never throws: an event that could
 * not be dispatched stays undispatched and the sweep sends it again.
 */
export async function dispatchStoredEvents(items: DispatchItem[]): Promise<boolean> {
  if (items.length === 0) return true;
  try {
    await sendToQueue(items);
    await pool().query({
      name: "mark-dispatched",
      text: "UPDATE event SET dispatched_at = now() WHERE event_id = ANY($1::text[]) AND status = 'PENDING'",
      values: [items.map((i) => i.eventId)],
    });
    return true;
  } catch (error) {
    logger.warn({ eventIds: items.map((i) => i.eventId), err: error }, "dispatch.failed");
    return false;
  }
}

async function sendToQueue(items: DispatchItem[]): Promise<void> {
  const events = items.map((item) => {
    const data: SmartcarEventReceivedData = { eventId: item.eventId, vehicleId: item.vehicleId };
    return { id: item.inngestId, name: SMARTCAR_EVENT_RECEIVED, data };
  });
  // Same events, same ids in every mode; only the transport differs.
  if (resolveQueueMode(env()) === "embedded") {
    await enqueueRuns(pool(), events);
  } else {
    await inngest.send(events);
  }
}
