import type pg from "pg";
import { RULE, subjectKeyPrefix, type AlertThresholds, type Observations } from "@/lib/alerts/rules";
import { vehicleHealthSql } from "@/lib/dal/vehicle-health-sql";
import { hourOf, METRIC } from "@/lib/stats/metric-names";
import { MIN_SILENCE_SECONDS } from "@/lib/vehicles/health";

// The SQL behind the alert rules: one read per rule, each bounded however large the tables grow,
// all on the evaluation's own connection and relative to one `now`.
//
// delivery and processing_attempt have no index on time, so their rules look at the newest rows
// by id (the primary key, scanned backwards) and keep those inside the window: "the last N
// minutes, or the newest SAMPLE rows if there were more". A rate or a "still happening" question
// is answered as well by the newest 10 000 rows as by all of them. Counts that must be complete
// (rejections, dead letters) use indexed columns instead.

const SAMPLE = 10_000;
// An outage window is reported however late its row arrives, within this look-back.
const OUTAGE_LOOKBACK_DAYS = 7;
const MAX_OUTAGE_WINDOWS = 100;

const minutesBefore = (now: Date, minutes: number) => new Date(now.getTime() - minutes * 60_000);

export async function readObservations(db: pg.PoolClient, t: AlertThresholds, now: Date): Promise<Observations> {
  const windowStart = minutesBefore(now, t.windowMinutes);
  const signatures = await readSignatureFailures(db, windowStart);
  const deliveries = await readDeliverySample(db, windowStart, minutesBefore(now, t.previousTokenWindowMinutes));
  const processing = await readProcessingSample(db, windowStart);
  const deadLetters = await readDeadLetters(db, windowStart);
  const backlog = await readBacklog(db, now);
  const receiveLatency = await readReceiveLatency(db, hourOf(minutesBefore(now, t.receiveWindowMinutes)));
  const silentVehicles = await readSilentVehicles(db, now, t.vehicleAlertsMax);
  const reauthVehicles = await readReauthVehicles(db, t.vehicleAlertsMax);
  const outages = await readOutageWindows(db, now);
  return {
    now,
    signatures,
    verifiedDeliveries: deliveries.verified,
    previousToken: { deliveries: deliveries.previous, lastAt: deliveries.previousLastAt },
    processing,
    deadLetters,
    backlog,
    receiveLatency,
    silentVehicles,
    reauthVehicles,
    outages,
  };
}

/** The database's clock: every window is measured against the clock the rows were stamped with. */
export async function databaseNow(db: pg.PoolClient): Promise<Date> {
  const { rows } = await db.query<{ now: Date }>("SELECT now() AS now");
  const now = rows[0]?.now;
  if (!now) throw new Error("SELECT now() returned no row");
  return now;
}

async function readSignatureFailures(db: pg.PoolClient, since: Date): Promise<Observations["signatures"]> {
  const { rows } = await db.query<{ missing: number; mismatch: number; last_at: Date | null }>({
    name: "alerts-signature-failures",
    text: `SELECT count(*) FILTER (WHERE reason = 'SIGNATURE_MISSING')::int AS missing,
                  count(*) FILTER (WHERE reason = 'SIGNATURE_MISMATCH')::int AS mismatch,
                  max(received_at) AS last_at
           FROM rejected_delivery
           WHERE reason IN ('SIGNATURE_MISSING', 'SIGNATURE_MISMATCH') AND received_at >= $1`,
    values: [since],
  });
  const row = rows[0];
  return { missing: row?.missing ?? 0, mismatch: row?.mismatch ?? 0, lastAt: row?.last_at ?? null };
}

async function readDeliverySample(db: pg.PoolClient, since: Date, previousSince: Date) {
  const { rows } = await db.query<{ verified: number; previous: number; previous_last_at: Date | null }>({
    name: "alerts-delivery-sample",
    text: `SELECT count(*) FILTER (WHERE received_at >= $1)::int AS verified,
                  count(*) FILTER (WHERE token_slot = 'previous' AND received_at >= $2)::int AS previous,
                  max(received_at) FILTER (WHERE token_slot = 'previous' AND received_at >= $2) AS previous_last_at
           FROM (SELECT received_at, token_slot FROM delivery ORDER BY id DESC LIMIT $3) d`,
    values: [since, previousSince, SAMPLE],
  });
  const row = rows[0];
  return { verified: row?.verified ?? 0, previous: row?.previous ?? 0, previousLastAt: row?.previous_last_at ?? null };
}

async function readProcessingSample(db: pg.PoolClient, since: Date): Promise<Observations["processing"]> {
  const { rows } = await db.query<{ attempts: number; failed: number }>({
    name: "alerts-processing-sample",
    text: `SELECT count(*)::int AS attempts, count(*) FILTER (WHERE result <> 'ok')::int AS failed
           FROM (SELECT started_at, result FROM processing_attempt ORDER BY id DESC LIMIT $2) a
           WHERE started_at >= $1`,
    values: [since, SAMPLE],
  });
  return { attempts: rows[0]?.attempts ?? 0, failed: rows[0]?.failed ?? 0 };
}

// error_at is when the event was dead-lettered; the (status, received_at) index narrows the scan
// to dead-lettered events, which are few and re-driven or purged.
async function readDeadLetters(db: pg.PoolClient, since: Date): Promise<Observations["deadLetters"]> {
  const { rows } = await db.query<{ n: number; last_at: Date | null; last_event_id: string | null; last_reason: string | null }>({
    name: "alerts-dead-letters",
    text: `SELECT count(*)::int AS n, max(error_at) AS last_at,
                  (array_agg(event_id ORDER BY error_at DESC))[1] AS last_event_id,
                  (array_agg(error_reason ORDER BY error_at DESC))[1] AS last_reason
           FROM event WHERE status = 'DEAD_LETTERED' AND error_at >= $1`,
    values: [since],
  });
  const row = rows[0];
  return { count: row?.n ?? 0, lastAt: row?.last_at ?? null, lastEventId: row?.last_event_id ?? null, lastReason: row?.last_reason ?? null };
}

// The backlog /api/health and the metrics report (events not yet processed), PROCESSING ones
// included: an event stuck between retries is as late as one never picked up. A re-driven event
// keeps its original receipt time, so it has waited since its re-drive was handed to the queue
// (dispatched_at), not since it first arrived — else re-driving last month's dead letters would
// read as a month-old backlog.
async function readBacklog(db: pg.PoolClient, now: Date): Promise<Observations["backlog"]> {
  const { rows } = await db.query<{ pending: number; processing: number; oldest_event_id: string | null; oldest_waiting_since: Date | null }>({
    name: "alerts-backlog",
    text: `WITH backlog AS (
             SELECT event_id, status, CASE WHEN redrives > 0 THEN coalesce(dispatched_at, $1) ELSE received_at END AS waiting_since
             FROM event WHERE status IN ('PENDING', 'PROCESSING')
           )
           SELECT (SELECT count(*) FROM backlog WHERE status = 'PENDING')::int AS pending,
                  (SELECT count(*) FROM backlog WHERE status = 'PROCESSING')::int AS processing,
                  oldest.event_id AS oldest_event_id, oldest.waiting_since AS oldest_waiting_since
           FROM (SELECT 1) one
           LEFT JOIN LATERAL (SELECT event_id, waiting_since FROM backlog ORDER BY waiting_since, event_id LIMIT 1) oldest ON true`,
    values: [now],
  });
  const row = rows[0];
  return {
    pending: row?.pending ?? 0,
    processing: row?.processing ?? 0,
    oldestEventId: row?.oldest_event_id ?? null,
    oldestWaitingSince: row?.oldest_waiting_since ?? null,
  };
}

// From the hourly rollups every instance writes, so all instances see the same percentile.
async function readReceiveLatency(db: pg.PoolClient, sinceHour: Date): Promise<Observations["receiveLatency"]> {
  const { rows } = await db.query<{ dimension: string; n: number }>({
    name: "alerts-receive-latency",
    text: `SELECT dimension, sum(value)::float8 AS n FROM stat_hour WHERE metric = $1 AND hour >= $2 GROUP BY dimension`,
    values: [METRIC.receiveMsBucket, sinceHour],
  });
  return { since: sinceHour, buckets: new Map(rows.map((r) => [r.dimension, r.n])) };
}

interface VehicleRow {
  vehicle_id: string;
  make: string | null;
  model: string | null;
  year: number | null;
  total: number;
}

// Health SILENT exactly as the vehicle list computes it (a vehicle needing re-auth or with open
// errors shows as that instead). Vehicles with a live alert come first, then the most recently
// gone quiet, so the vehicles alerted individually stay the same while the fleet's silence lasts.
async function readSilentVehicles(db: pg.PoolClient, now: Date, limit: number): Promise<Observations["silentVehicles"]> {
  const { rows } = await db.query<VehicleRow & { last_seen_at: Date; recent_gaps: number[] }>({
    name: "alerts-silent-vehicles",
    text: `SELECT v.vehicle_id, v.make, v.model, v.year, v.last_seen_at, v.recent_gaps, (count(*) OVER ())::int AS total
           FROM vehicle v
           LEFT JOIN alert a ON a.open_key = $2 || v.vehicle_id
           WHERE v.last_seen_at < $1::timestamptz - make_interval(secs => $3)
             AND ${vehicleHealthSql("v", "$1")} = 'SILENT'
           ORDER BY (a.id IS NOT NULL) DESC, v.last_seen_at DESC, v.vehicle_id
           LIMIT greatest($4::int, 1)`,
    values: [now, subjectKeyPrefix(RULE.vehicleSilent), MIN_SILENCE_SECONDS, limit],
  });
  return {
    total: rows[0]?.total ?? 0,
    vehicles: rows.map((r) => ({ vehicleId: r.vehicle_id, make: r.make, model: r.model, year: r.year, lastSeenAt: r.last_seen_at, recentGaps: r.recent_gaps })),
  };
}

async function readReauthVehicles(db: pg.PoolClient, limit: number): Promise<Observations["reauthVehicles"]> {
  const { rows } = await db.query<VehicleRow & { reauth_at: Date | null; conditions: string[] }>({
    name: "alerts-reauth-vehicles",
    text: `SELECT v.vehicle_id, v.make, v.model, v.year, v.reauth_at, (count(*) OVER ())::int AS total,
                  coalesce((SELECT array_agg(c.type || CASE WHEN c.code = '' THEN '' ELSE ':' || c.code END ORDER BY c.type, c.code)
                            FROM vehicle_condition c WHERE c.vehicle_id = v.vehicle_id AND c.state = 'ERROR'), '{}') AS conditions
           FROM vehicle v
           LEFT JOIN alert a ON a.open_key = $1 || v.vehicle_id
           WHERE v.needs_reauth
           ORDER BY (a.id IS NOT NULL) DESC, v.reauth_at DESC NULLS LAST, v.vehicle_id
           LIMIT greatest($2::int, 1)`,
    values: [subjectKeyPrefix(RULE.vehicleNeedsReauth), limit],
  });
  return {
    total: rows[0]?.total ?? 0,
    vehicles: rows.map((r) => ({ vehicleId: r.vehicle_id, make: r.make, model: r.model, year: r.year, since: r.reauth_at, conditions: r.conditions })),
  };
}

async function readOutageWindows(db: pg.PoolClient, now: Date): Promise<Observations["outages"]> {
  const { rows } = await db.query<{
    id: string;
    started_at: Date;
    ended_at: Date | null;
    mode: string;
    refused: number;
    spooled: number;
    replayed: number;
    instance: string;
    alerted: boolean;
  }>({
    name: "alerts-outage-windows",
    text: `SELECT o.id::text AS id, o.started_at, o.ended_at, o.mode, o.refused, o.spooled, o.replayed, o.instance, (seen.subject IS NOT NULL) AS alerted
           FROM outage_window o
           LEFT JOIN (SELECT DISTINCT subject FROM alert WHERE rule = $3) seen ON seen.subject = o.id::text
           WHERE o.started_at > $1::timestamptz - make_interval(days => $2) OR o.ended_at IS NULL
           ORDER BY o.started_at DESC, o.id DESC
           LIMIT $4`,
    values: [now, OUTAGE_LOOKBACK_DAYS, RULE.storageOutage, MAX_OUTAGE_WINDOWS],
  });
  return rows.map((r) => ({
    id: r.id,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    mode: r.mode,
    refused: r.refused,
    spooled: r.spooled,
    replayed: r.replayed,
    instance: r.instance,
    alerted: r.alerted,
  }));
}
