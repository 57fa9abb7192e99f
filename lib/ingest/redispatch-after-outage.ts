import type pg from "pg";
import { dispatchStoredEvents } from "@/lib/ingest/dispatch";

// Events stored just before or during an outage often lost their dispatch to it (the after()
// work ran into the dead database). The sweep would find them minutes later; once storage is
// back they are handed to the queue at once. Under their original Inngest id (the eventId) a
// dispatch that did get through is not repeated: the embedded queue and Inngest both drop a
// repeated id.

const BATCH = 500;

const UNDISPATCHED_SQL = `
SELECT event_id, vehicle_id FROM event
WHERE status = 'PENDING' AND dispatched_at IS NULL AND received_at >= $1
ORDER BY received_at
LIMIT $2`;

/** Dispatches every stored, never-dispatched event received since `since`; returns how many. */
export async function dispatchUndispatchedSince(db: pg.Pool, since: Date): Promise<number> {
  let dispatched = 0;
  for (;;) {
    const { rows } = await db.query<{ event_id: string; vehicle_id: string | null }>({ name: "undispatched-since", text: UNDISPATCHED_SQL, values: [since, BATCH] });
    if (rows.length === 0) return dispatched;
    // A failed dispatch leaves them undispatched: the sweep's job, not a loop's.
    if (!(await dispatchStoredEvents(rows.map((r) => ({ eventId: r.event_id, vehicleId: r.vehicle_id, inngestId: r.event_id }))))) return dispatched;
    dispatched += rows.length;
    if (rows.length < BATCH) return dispatched;
  }
}
