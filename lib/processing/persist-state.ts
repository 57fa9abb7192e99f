import type pg from "pg";
import type { ConditionWrite, SignalWrite } from "@/lib/processing/plan";
import type { VehicleInfo } from "@/lib/smartcar/types";

// The SQL half of the processing rules. Every write carries its "only if strictly newer"
// condition, because two runs for one vehicle can interleave (Inngest's concurrency limit counts
// steps, not runs) and late or replayed events must never roll state back.

export const MAX_RECENT_GAPS = 15;

/** The vehicle upsert's SET list (alias v): `maxGaps` is the parameter holding MAX_RECENT_GAPS. */
export function vehicleUpdates(maxGaps: string): string {
  return `
  user_id = coalesce(excluded.user_id, v.user_id),
  make = coalesce(excluded.make, v.make),
  model = coalesce(excluded.model, v.model),
  year = coalesce(excluded.year, v.year),
  recent_gaps = CASE
    WHEN v.last_seen_at IS NOT NULL AND excluded.last_seen_at > v.last_seen_at
    THEN (v.recent_gaps || ceil(extract(epoch FROM excluded.last_seen_at - v.last_seen_at))::int)[greatest(1, cardinality(v.recent_gaps) + 2 - ${maxGaps}):]
    ELSE v.recent_gaps END,
  last_seen_at = greatest(v.last_seen_at, excluded.last_seen_at)`;
}

// The latest-signal upsert's two orders (alias vs, excluded = the write): a good reading's body
// replaces the stored one only when its reading key is strictly greater; a status replaces the
// stored one only when observed strictly later (status_at). A failure carries no body. A later
// observation of the same status still moves status_at: an older one processed after it (runs
// are not processed in observation order) must not take the status back.
const READING_WINS = "excluded.status = 'OK' AND (excluded.key_at, excluded.key_tie) > (vs.key_at, vs.key_tie)";
const OBSERVED_LATER = "excluded.status_at > vs.status_at";
const STATUS_CHANGES = `${OBSERVED_LATER}
    AND (excluded.status, excluded.error_type, excluded.error_code) IS DISTINCT FROM (vs.status, vs.error_type, vs.error_code)`;

/**
 * The latest-signal upsert's conflict clause. `event_id` names the event whose reading is stored,
 * so `RETURNING event_id` tells a write whose reading won from one that only changed the status.
 */
export const SIGNAL_UPSERT = `
ON CONFLICT (vehicle_id, code) DO UPDATE SET
  name = coalesce(excluded.name, vs.name),
  signal_group = coalesce(excluded.signal_group, vs.signal_group),
  body = CASE WHEN ${READING_WINS} THEN excluded.body ELSE vs.body END,
  unit = CASE WHEN ${READING_WINS} THEN excluded.unit ELSE vs.unit END,
  oem_updated_at = CASE WHEN ${READING_WINS} THEN excluded.oem_updated_at ELSE vs.oem_updated_at END,
  retrieved_at = CASE WHEN ${READING_WINS} THEN excluded.retrieved_at ELSE vs.retrieved_at END,
  key_at = CASE WHEN ${READING_WINS} THEN excluded.key_at ELSE vs.key_at END,
  key_tie = CASE WHEN ${READING_WINS} THEN excluded.key_tie ELSE vs.key_tie END,
  event_id = CASE WHEN ${READING_WINS} THEN excluded.event_id ELSE vs.event_id END,
  status = CASE WHEN ${OBSERVED_LATER} THEN excluded.status ELSE vs.status END,
  error_type = CASE WHEN ${OBSERVED_LATER} THEN excluded.error_type ELSE vs.error_type END,
  error_code = CASE WHEN ${OBSERVED_LATER} THEN excluded.error_code ELSE vs.error_code END,
  status_at = greatest(vs.status_at, excluded.status_at),
  since = CASE
    WHEN ${STATUS_CHANGES} THEN excluded.status_at
    WHEN ${READING_WINS} AND vs.body IS DISTINCT FROM excluded.body THEN excluded.key_at
    ELSE vs.since END
WHERE (${READING_WINS}) OR ${OBSERVED_LATER}`;

export async function upsertVehicle(
  db: pg.PoolClient,
  v: { vehicleId: string; userId: string | null; vehicle: VehicleInfo; seenAt: Date },
): Promise<void> {
  await db.query({
    name: "upsert-vehicle",
    text: `
INSERT INTO vehicle AS v (vehicle_id, user_id, make, model, year, last_seen_at, recent_gaps)
VALUES ($1, $2, $3, $4, $5, $6, '{}')
ON CONFLICT (vehicle_id) DO UPDATE SET
${vehicleUpdates("$7")}`,
    values: [v.vehicleId, v.userId, v.vehicle.make, v.vehicle.model, v.vehicle.year, v.seenAt, MAX_RECENT_GAPS],
  });
}

/**
 * Signal writes travel as ONE JSON parameter with epoch-ms times: `pg`'s per-element array and
 * Date serialisation was a measurable share of processing's CPU. Read back with SIGNAL_ROWS.
 */
export function signalsJson(writes: readonly SignalWrite[]): string {
  const ms = (d: Date | null) => (d === null ? null : d.getTime());
  return JSON.stringify(
    writes.map((w) => ({
      code: w.code,
      name: w.name,
      grp: w.group,
      status: w.status,
      body: w.body ?? null,
      unit: w.unit,
      error_type: w.errorType,
      error_code: w.errorCode,
      oem: ms(w.oemUpdatedAt),
      ret: ms(w.retrievedAt),
      key_at: w.keyAt.getTime(),
      key_tie: w.keyTie.getTime(),
      st: w.statusAt.getTime(),
      num: w.numericValue,
    })),
  );
}

/** The rows of a signalsJson parameter (`param` like "$2"). */
export function signalRows(param: string): string {
  return `jsonb_to_recordset(${param}::jsonb) AS s(
    code text, name text, grp text, status text, body jsonb, unit text, error_type text, error_code text,
    oem float8, ret float8, key_at float8, key_tie float8, st float8, num float8)`;
}

/** The latest-signal INSERT … SELECT column list for rows `s` of signalRows (`vehicleId`, `eventId`: parameters). */
export function signalInsert(vehicleId: string, eventId: string): string {
  return `INSERT INTO vehicle_signal AS vs (vehicle_id, code, name, signal_group, status, body, unit, oem_updated_at, retrieved_at, key_at, key_tie, status_at, since, error_type, error_code, event_id)
SELECT ${vehicleId}, s.code, s.name, s.grp, s.status::"SignalStatus", s.body, s.unit, to_timestamp(s.oem / 1000.0), to_timestamp(s.ret / 1000.0),
  to_timestamp(s.key_at / 1000.0), to_timestamp(s.key_tie / 1000.0), to_timestamp(s.st / 1000.0),
  to_timestamp(CASE WHEN s.status = 'OK' THEN s.key_at ELSE s.st END / 1000.0), s.error_type, s.error_code, ${eventId}`;
}

/** Upserts latest signal state (the UNSUPPORTED marks of a COMPATIBILITY error). */
export async function writeSignals(db: pg.PoolClient, vehicleId: string, eventId: string, writes: SignalWrite[]): Promise<void> {
  if (writes.length === 0) return;
  await db.query({
    name: "write-signals",
    text: `${signalInsert("$1", "$2")}
FROM ${signalRows("$3")}
${SIGNAL_UPSERT}`,
    values: [vehicleId, eventId, signalsJson(writes)],
  });
}

/**
 * Whether every error of this event repeats a report of another event within the window
 * (Smartcar re-detecting the same error while the first delivery is in flight).
 */
export async function isDuplicateErrorReport(
  db: pg.PoolClient,
  args: { vehicleId: string; eventId: string; eventAt: Date; windowSeconds: number; conditions: ConditionWrite[] },
): Promise<boolean> {
  if (args.conditions.length === 0) return false;
  const result = await db.query<{ matches: string }>({
    name: "duplicate-error-report",
    text: `
SELECT count(*) AS matches
FROM vehicle_condition c
JOIN unnest($2::text[], $3::text[], $4::text[]) AS e(type, code, state) ON c.type = e.type AND c.code = e.code AND c.state = e.state
WHERE c.vehicle_id = $1 AND c.last_event_id <> $5
  AND abs(extract(epoch FROM c.last_reported_at - $6::timestamptz)) <= $7`,
    values: [
      args.vehicleId,
      args.conditions.map((c) => c.type),
      args.conditions.map((c) => c.code),
      args.conditions.map((c) => c.state),
      args.eventId,
      args.eventAt,
      args.windowSeconds,
    ],
  });
  return Number(result.rows[0]?.matches ?? 0) === args.conditions.length;
}

/** Opens/resolves conditions; a report older than the stored state changes nothing. */
export async function writeConditions(
  db: pg.PoolClient,
  args: { vehicleId: string; eventId: string; eventAt: Date; conditions: ConditionWrite[] },
): Promise<void> {
  if (args.conditions.length === 0) return;
  await db.query({
    name: "write-conditions",
    text: `
INSERT INTO vehicle_condition AS c (vehicle_id, type, code, state, description, resolution_type, signals, opened_at, resolved_at, state_at, last_event_id, last_reported_at)
SELECT $1, e.type, e.code, e.state, e.description, e.resolution_type, coalesce(e.signals::text[], '{}'),
  CASE WHEN e.state = 'ERROR' THEN $2::timestamptz END,
  CASE WHEN e.state = 'RESOLVED' THEN $2::timestamptz END,
  $2, $3, $2
FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[]) AS e(type, code, state, description, resolution_type, signals)
ON CONFLICT (vehicle_id, type, code) DO UPDATE SET
  state = excluded.state,
  description = coalesce(excluded.description, c.description),
  resolution_type = coalesce(excluded.resolution_type, c.resolution_type),
  signals = CASE WHEN cardinality(excluded.signals) > 0 THEN excluded.signals ELSE c.signals END,
  opened_at = CASE
    WHEN excluded.state = 'ERROR' AND (c.state = 'RESOLVED' OR c.opened_at IS NULL) THEN excluded.opened_at
    ELSE c.opened_at END,
  resolved_at = CASE WHEN excluded.state = 'RESOLVED' THEN excluded.resolved_at END,
  state_at = excluded.state_at,
  last_event_id = excluded.last_event_id,
  last_reported_at = excluded.last_reported_at
WHERE excluded.state_at > c.state_at`,
    values: [
      args.vehicleId,
      args.eventAt,
      args.eventId,
      args.conditions.map((c) => c.type),
      args.conditions.map((c) => c.code),
      args.conditions.map((c) => c.state),
      args.conditions.map((c) => c.description),
      args.conditions.map((c) => c.resolutionType),
      // Postgres has no array-of-arrays of varying length: each condition's signals travel as one
      // array literal string and are cast back above.
      args.conditions.map((c) => toArrayLiteral(c.signals)),
    ],
  });
}

/** needsReauth after a VEHICLE_ERROR touching account/permission conditions. */
export async function refreshNeedsReauth(db: pg.PoolClient, vehicleId: string, eventAt: Date, reauthTypes: string[]): Promise<void> {
  await db.query({
    name: "refresh-needs-reauth",
    text: `
UPDATE vehicle v SET
  needs_reauth = EXISTS (SELECT 1 FROM vehicle_condition c WHERE c.vehicle_id = v.vehicle_id AND c.state = 'ERROR' AND c.type = ANY($3::text[])),
  reauth_at = $2
WHERE v.vehicle_id = $1 AND (v.reauth_at IS NULL OR v.reauth_at < $2)`,
    values: [vehicleId, eventAt, reauthTypes],
  });
}

function toArrayLiteral(values: string[]): string {
  return `{${values.map((v) => `"${v.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`).join(",")}}`;
}
