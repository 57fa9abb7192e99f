import { dispatchStoredEvents } from "@/lib/ingest/dispatch";
import { pool } from "@/lib/db/pool";
import { logger } from "@/lib/observability/logger";

export interface SweepOptions {
  /** A stored event never dispatched for this long is sent again (the after() hook failed). */
  undispatchedAfterSeconds: number;
  /** A dispatched event still PENDING, or PROCESSING without progress, for this long is stuck. */
  stuckAfterSeconds: number;
  batchSize: number;
}

// Picks a batch and bumps its sweep counter in one statement; SKIP LOCKED lets two instances
// sweep at once without sending the same event twice in one round.
const PICK_SQL = `
WITH picked AS (
  SELECT event_id FROM event
  WHERE (status = 'PENDING' AND dispatched_at IS NULL AND received_at < now() - make_interval(secs => $1))
     OR (status = 'PENDING' AND dispatched_at < now() - make_interval(secs => $2))
     OR (status = 'PROCESSING' AND coalesce(error_at, dispatched_at, received_at) < now() - make_interval(secs => $2))
  ORDER BY received_at
  LIMIT $3
  FOR UPDATE SKIP LOCKED
)
UPDATE event e SET sweeps = e.sweeps + 1
FROM picked WHERE e.event_id = picked.event_id
RETURNING e.event_id, e.vehicle_id, e.sweeps`;

/** Re-dispatches undispatched or stuck events with `<eventId>:sweep:<n>` ids. */
export async function sweepEvents(options: SweepOptions): Promise<{ redispatched: number; failed: number }> {
  const picked = await pool().query<{ event_id: string; vehicle_id: string | null; sweeps: number }>({
    name: "sweep-pick",
    text: PICK_SQL,
    values: [options.undispatchedAfterSeconds, options.stuckAfterSeconds, options.batchSize],
  });
  if (picked.rows.length === 0) return { redispatched: 0, failed: 0 };
  const items = picked.rows.map((r) => ({ eventId: r.event_id, vehicleId: r.vehicle_id, inngestId: `${r.event_id}:sweep:${r.sweeps}` }));
  const ok = await dispatchStoredEvents(items);
  const result = ok ? { redispatched: items.length, failed: 0 } : { redispatched: 0, failed: items.length };
  logger.info(result, "sweep.completed");
  return result;
}
