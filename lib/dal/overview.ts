import { pool } from "@/lib/db/pool";
import { assertRole, type Viewer } from "@/lib/dal/authorize";
import { hourStarts, rangeQuerySchema, resolveRange, toWholeHours } from "@/lib/dal/time-range";
import { FLEET_HEALTH_COUNTS_SQL } from "@/lib/dal/vehicle-health-sql";
import { METRIC, PROCESSING_LAG_MS_BOUNDS, RECEIVE_MS_BOUNDS } from "@/lib/stats/metric-names";
import { percentiles, type Percentiles } from "@/lib/stats/quantiles";
import { readStats, type StatRow } from "@/lib/stats/read-stats";

// The pipeline's headline numbers (API.md §5 GET /overview): per-hour counters and latency
// quantiles from the rollups — never a scan of events — plus two live reads that are cheap by
// construction: the backlog (PENDING rows, through the status index) and vehicle health counts
// (each exception from its own index, the total from vehicle_count: FLEET_HEALTH_COUNTS_SQL).

export const overviewQuerySchema = rangeQuerySchema;

const DEFAULT_HOURS = 24;
const MAX_HOURS = 90 * 24;
const SIGNATURE_REASONS = new Set(["SIGNATURE_MISSING", "SIGNATURE_MISMATCH"]);

export interface PipelineCounts {
  /** New events stored. */
  received: number;
  /** Retries of an already-stored eventId. */
  duplicates: number;
  processed: number;
  deadLettered: number;
  /** Refused requests of any reason (signature, size, JSON, storage down…). */
  rejected: number;
  /** The part of `rejected` whose signature was missing or wrong. */
  signatureRejections: number;
}

export interface HourOverview extends PipelineCounts {
  hour: string;
  /** Answer time of acknowledged deliveries. */
  receiveLatencyMs: Percentiles;
  /** Receipt → PROCESSED. */
  processingLagMs: Percentiles;
}

export interface Overview {
  /** The range, widened to whole UTC hours. */
  from: string;
  to: string;
  totals: PipelineCounts;
  receiveLatencyMs: Percentiles;
  processingLagMs: Percentiles;
  /** One entry per hour of the range, oldest first, zeros included. */
  hours: HourOverview[];
  backlog: { pending: number; oldestPendingAgeSeconds: number | null };
  /** Vehicles by health (first rule that applies, as on the vehicle list): total = the sum. */
  vehicles: { total: number; needsReauth: number; openErrors: number; silent: number; ok: number };
}

const METRICS = [
  METRIC.received,
  METRIC.duplicates,
  METRIC.processed,
  METRIC.deadLettered,
  METRIC.rejected,
  METRIC.receiveMsBucket,
  METRIC.processingLagMsBucket,
] as const;

export async function getOverview(viewer: Viewer, query: { from?: Date; to?: Date }, { now = new Date() }: { now?: Date } = {}): Promise<Overview> {
  assertRole(viewer, "viewer");
  const range = toWholeHours(resolveRange(query, { defaultHours: DEFAULT_HOURS, maxHours: MAX_HOURS, now }));
  const [rows, backlog, vehicles] = await Promise.all([readStats(METRICS, range), readBacklog(now), countVehiclesByHealth(now)]);
  const byHour = new Map<number, StatRow[]>();
  for (const row of rows) {
    const sameHour = byHour.get(row.hour.getTime());
    if (sameHour) sameHour.push(row);
    else byHour.set(row.hour.getTime(), [row]);
  }
  const whole = summarise(rows);
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    totals: whole.counts,
    receiveLatencyMs: whole.receiveLatencyMs,
    processingLagMs: whole.processingLagMs,
    hours: hourStarts(range).map((hour) => {
      const { counts, ...latencies } = summarise(byHour.get(hour.getTime()) ?? []);
      return { hour: hour.toISOString(), ...counts, ...latencies };
    }),
    backlog,
    vehicles,
  };
}

function summarise(rows: readonly StatRow[]): { counts: PipelineCounts; receiveLatencyMs: Percentiles; processingLagMs: Percentiles } {
  const sum = (metric: string, keep: (dimension: string) => boolean = () => true) =>
    rows.reduce((total, r) => (r.metric === metric && keep(r.dimension) ? total + r.value : total), 0);
  const buckets = (metric: string) => {
    const counts = new Map<string, number>();
    for (const r of rows) if (r.metric === metric) counts.set(r.dimension, (counts.get(r.dimension) ?? 0) + r.value);
    return counts;
  };
  return {
    counts: {
      received: sum(METRIC.received),
      duplicates: sum(METRIC.duplicates),
      processed: sum(METRIC.processed),
      deadLettered: sum(METRIC.deadLettered),
      rejected: sum(METRIC.rejected),
      signatureRejections: sum(METRIC.rejected, (reason) => SIGNATURE_REASONS.has(reason)),
    },
    receiveLatencyMs: percentiles(buckets(METRIC.receiveMsBucket), RECEIVE_MS_BOUNDS),
    processingLagMs: percentiles(buckets(METRIC.processingLagMsBucket), PROCESSING_LAG_MS_BOUNDS),
  };
}

async function readBacklog(now: Date): Promise<Overview["backlog"]> {
  const { rows } = await pool().query<{ pending: number; oldest: Date | null }>(
    "SELECT count(*)::int AS pending, min(received_at) AS oldest FROM event WHERE status = 'PENDING'",
  );
  const oldest = rows[0]?.oldest ?? null;
  return {
    pending: rows[0]?.pending ?? 0,
    oldestPendingAgeSeconds: oldest ? Math.max(0, Math.floor((now.getTime() - oldest.getTime()) / 1000)) : null,
  };
}

async function countVehiclesByHealth(now: Date): Promise<Overview["vehicles"]> {
  const { rows } = await pool().query<{ total: number; needs_reauth: number; open_errors: number; silent: number }>({ text: FLEET_HEALTH_COUNTS_SQL, values: [now] });
  const counts = rows[0] ?? { total: 0, needs_reauth: 0, open_errors: 0, silent: 0 };
  return {
    total: counts.total,
    needsReauth: counts.needs_reauth,
    openErrors: counts.open_errors,
    silent: counts.silent,
    ok: counts.total - counts.needs_reauth - counts.open_errors - counts.silent,
  };
}
