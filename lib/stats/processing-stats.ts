import type pg from "pg";
import type { Plan } from "@/lib/processing/plan";
import { bucketFor, dimension, hourOf, METRIC, PROCESSING_LAG_MS_BOUNDS } from "@/lib/stats/metric-names";
import { upsertStats, type StatIncrement } from "@/lib/stats/upsert-stats";

// Processing's rollups (metric names: lib/stats/metric-names.ts), written inside the processing
// transaction: processing is per event and off the receiver's hot path, so the counts commit or
// roll back with the event itself — exact, even across crashes and retries. The upsert is the
// transaction's last statement, so the counter rows stay locked only for the commit.

export interface ProcessedEvent {
  eventId: string;
  receivedAt: Date;
  plan: Plan;
  outcome: string;
  /** Epoch ms; defaults to now. */
  now?: number;
}

/**
 * Counts a PROCESSED event other than an applied VEHICLE_STATE (lib/processing/apply-state.ts
 * counts those, signal errors included, in its own statement): outcome, lag since receipt and
 * the conditions it opened.
 */
export async function recordProcessed(db: pg.PoolClient, event: ProcessedEvent): Promise<void> {
  const now = event.now ?? Date.now();
  const hour = hourOf(now);
  const rows: StatIncrement[] = [
    { hour, metric: METRIC.processed, dimension: event.outcome, value: 1 },
    // A re-driven event counts its whole age: the lag says how long the data took to land.
    { hour, metric: METRIC.processingLagMsBucket, dimension: bucketFor(now - event.receivedAt.getTime(), PROCESSING_LAG_MS_BOUNDS), value: 1 },
  ];
  const { plan } = event;
  if (plan.action === "apply_errors") rows.push(...(await openedConditionRows(db, plan.vehicleId, event.eventId, hour)));
  await upsertStats(db, rows);
}

/** Counts an event that reached DEAD_LETTERED, by reason. */
export async function recordDeadLettered(db: pg.Pool | pg.PoolClient, reason: string, now = Date.now()): Promise<void> {
  await upsertStats(db, [{ hour: hourOf(now), metric: METRIC.deadLettered, dimension: dimension(reason), value: 1 }]);
}

// "Opened by this event" = written by this transaction (its xid is txid_current() mod 2^32, the
// row version's xmin) with opened_at moved to the
// report's time. A report of an already-open condition keeps the older opened_at, and a
// re-processed event (a forced re-drive) writes nothing, so neither counts twice.
const OPENED_CONDITIONS_SQL = `
SELECT c.type, c.code, c.signals, coalesce(v.make, '') AS make
FROM vehicle_condition c
LEFT JOIN vehicle v ON v.vehicle_id = c.vehicle_id
WHERE c.vehicle_id = $1 AND c.last_event_id = $2 AND c.state = 'ERROR' AND c.opened_at = c.state_at
  AND c.xmin = (txid_current() % 4294967296)::text::xid`;

async function openedConditionRows(db: pg.PoolClient, vehicleId: string, eventId: string, hour: Date): Promise<StatIncrement[]> {
  const opened = await db.query<{ type: string; code: string; signals: string[]; make: string }>({
    name: "stats-opened-conditions",
    text: OPENED_CONDITIONS_SQL,
    values: [vehicleId, eventId],
  });
  return opened.rows.flatMap((c) => [
    { hour, metric: METRIC.conditionOpened, dimension: dimension(`${c.type}:${c.code}`), value: 1 },
    { hour, metric: METRIC.conditionOpenedByMake, dimension: dimension(c.make), value: 1 },
    ...c.signals.map((code) => ({ hour, metric: METRIC.conditionOpenedBySignal, dimension: dimension(code), value: 1 })),
  ]);
}
