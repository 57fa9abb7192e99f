import type pg from "pg";
import type { Plan } from "@/lib/processing/plan";
import { bucketFor, dimension, hourOf, METRIC, PROCESSING_LAG_MS_BOUNDS } from "@/lib/stats/metric-names";
import { pooledStatsBuffer } from "@/lib/stats/pooled-stats-buffer";
import type { StatsBuffer } from "@/lib/stats/stats-buffer";
import { upsertStats, type StatIncrement } from "@/lib/stats/upsert-stats";

// Processing's rollups (metric names: lib/stats/metric-names.ts). An applied VEHICLE_STATE event
// — nearly all the traffic — is counted in memory and written with the others' counts once a
// second (FLUSH_INTERVAL_MS) and at a graceful stop: written inside each event's statement, the
// counts of concurrent runs queued on the same hourly rows' locks through each other's commit
// (measured: runs waiting on those locks more often than working). A process killed outright
// loses at most one interval of counts, never an event. The rarer outcomes (errors, ignored
// events, dead letters) are still counted inside their own transaction: the conditions an error
// opened are only known there.

const FLUSH_INTERVAL_MS = 1_000;

interface ProcessingStats {
  buffer: StatsBuffer;
  timer: NodeJS.Timeout | null;
}

const globalForStats = globalThis as unknown as { smartcarProcessingStats?: ProcessingStats };

function processingStats(): ProcessingStats {
  globalForStats.smartcarProcessingStats ??= {
    buffer: pooledStatsBuffer(),
    timer: null,
  };
  return globalForStats.smartcarProcessingStats;
}

export interface AppliedState {
  outcome: string;
  receivedAt: Date;
  plan: Extract<Plan, { action: "apply_state" }>;
  /** The vehicle's make as stored (signal errors are counted by make). */
  make: string | null;
  /** Epoch ms; defaults to now. */
  now?: number;
}

/** Counts an applied VEHICLE_STATE event: outcome, lag since receipt, its signal errors. */
export function countAppliedState(event: AppliedState): void {
  const stats = processingStats();
  const now = event.now ?? Date.now();
  const { buffer } = stats;
  buffer.add(METRIC.processed, event.outcome, 1, now);
  // A re-driven event counts its whole age: the lag says how long the data took to land.
  buffer.add(METRIC.processingLagMsBucket, bucketFor(now - event.receivedAt.getTime(), PROCESSING_LAG_MS_BOUNDS), 1, now);
  const failed = event.plan.signals.filter((s) => s.status !== "OK");
  for (const s of failed) {
    buffer.add(METRIC.signalErrorByType, dimension(`${s.errorType ?? ""}:${s.errorCode ?? ""}`), 1, now);
    buffer.add(METRIC.signalErrorBySignal, dimension(s.code), 1, now);
  }
  if (failed.length > 0) buffer.add(METRIC.signalErrorByMake, dimension(event.make ?? ""), failed.length, now);
  if (stats.timer) return;
  stats.timer = setTimeout(() => {
    // Cleared first: counts added during the write schedule the next flush.
    stats.timer = null;
    void stats.buffer.flush();
  }, FLUSH_INTERVAL_MS);
  // Never what keeps a process alive: a graceful stop flushes (flushProcessingStats).
  stats.timer.unref();
}

/** Writes the counts held in memory now (graceful stop, tests). */
export function flushProcessingStats(): Promise<void> {
  const stats = processingStats();
  if (stats.timer) clearTimeout(stats.timer);
  stats.timer = null;
  return stats.buffer.flush();
}

export interface ProcessedEvent {
  eventId: string;
  receivedAt: Date;
  plan: Plan;
  outcome: string;
  /** Epoch ms; defaults to now. */
  now?: number;
}

/**
 * Counts a PROCESSED event other than an applied VEHICLE_STATE (countAppliedState counts those),
 * inside its transaction: outcome, lag since receipt and the conditions it opened.
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
