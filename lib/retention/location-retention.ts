import type { ClientBase, QueryConfig } from "pg";
import type { WalkBatchResult, WalkWindow } from "@/lib/retention/batches";
import { coarsenSignalBody } from "@/lib/retention/coarsen-body";
import { PRECISE_LOCATION_CODE } from "@/lib/vehicles/redact-location";

// Location retention in the vehicle tables. signal_reading has only its primary key
// (vehicle_id, code, at), so the walk goes vehicle by vehicle — each vehicle one index range on
// (its id, the location code, the time window) — in (vehicle_id, at) order from a saved position.
// Each batch runs in the caller's transaction.

const NO_START = "-infinity";

/**
 * Whether a body still holds a coordinate that is neither null nor a number with at most two
 * decimals: what the viewer rounding would change (jsonb numbers are exact decimals). Lets the
 * walks send back only the bodies to round.
 */
function needsRounding(body: string): string {
  // CASE, not AND/OR: only CASE guarantees the cast never sees a string.
  const rounds = (key: string) => `CASE jsonb_typeof(${body}->'${key}')
      WHEN 'null' THEN false
      WHEN 'number' THEN (${body}->'${key}')::numeric <> round((${body}->'${key}')::numeric, 2)
      ELSE ${body} ? '${key}' END`;
  return `(jsonb_typeof(${body}) = 'object' AND (${rounds("latitude")} OR ${rounds("longitude")}))`;
}

// $1 code, $2 from, $3 to, $4/$5 the (vehicle, at) after which to continue, $6 the batch size.
// A vehicle's readings come in `at` order from its index range; the Incremental Sort on top only
// orders within one vehicle, so the LIMIT stops the vehicle loop as soon as the batch is full.
const WALK_READINGS_SQL = `
SELECT v.vehicle_id, r.at, CASE WHEN ${needsRounding("r.body")} THEN r.body END AS body
FROM vehicle v
CROSS JOIN LATERAL (
  SELECT s.at, s.body FROM signal_reading s
  WHERE s.vehicle_id = v.vehicle_id AND s.code = $1
    AND s.at >= $2::timestamptz AND s.at < $3::timestamptz
    AND (v.vehicle_id > $4::text OR s.at > $5::timestamptz)
  ORDER BY s.at
  LIMIT $6
) r
WHERE v.vehicle_id >= $4::text
ORDER BY v.vehicle_id, r.at
LIMIT $6`;

const WRITE_READINGS_SQL = `
UPDATE signal_reading s SET body = c.body::jsonb
FROM unnest($2::text[], $3::timestamptz[], $4::text[]) AS c(vehicle_id, at, body)
WHERE s.vehicle_id = c.vehicle_id AND s.code = $1 AND s.at = c.at`;

export function readingsWalkSql(window: WalkWindow, limit: number): QueryConfig {
  return {
    name: "retention-walk-readings",
    text: WALK_READINGS_SQL,
    values: [PRECISE_LOCATION_CODE, window.from ?? NO_START, window.to, window.after?.id ?? "", window.after?.at ?? NO_START, limit],
  };
}

export function writeReadingsSql(rewrites: { vehicleId: string; at: Date; body: string }[]): QueryConfig {
  return {
    name: "retention-write-readings",
    text: WRITE_READINGS_SQL,
    values: [PRECISE_LOCATION_CODE, rewrites.map((r) => r.vehicleId), rewrites.map((r) => r.at), rewrites.map((r) => r.body)],
  };
}

/** Rounds the precise location in the history of the location signal (readings in the window). */
export async function coarsenReadingsBatch(db: ClientBase, window: WalkWindow, limit: number): Promise<WalkBatchResult> {
  const walked = await db.query<{ vehicle_id: string; at: Date; body: unknown }>(readingsWalkSql(window, limit));
  const rewrites = walked.rows.flatMap((row) => {
    const body = row.body === null ? null : coarsenSignalBody(row.body);
    return body === null ? [] : [{ vehicleId: row.vehicle_id, at: row.at, body }];
  });
  if (rewrites.length > 0) await db.query(writeReadingsSql(rewrites));
  const last = walked.rows.at(-1);
  return { walked: walked.rows.length, last: last ? { at: last.at, id: last.vehicle_id } : null, changed: rewrites.length };
}

// The latest value is one row per vehicle, so every run checks them all: one primary-key probe
// per vehicle, a batch of vehicles per statement, one row back per vehicle (body null when not
// due). The body's own time decides: a later failure moves key_at but keeps the old body.
const WALK_LATEST_SQL = `
WITH walked AS (
  SELECT vehicle_id FROM vehicle WHERE vehicle_id > $2 ORDER BY vehicle_id LIMIT $4
)
SELECT w.vehicle_id, s.body
FROM walked w
LEFT JOIN LATERAL (
  -- LIMIT 1 (the key allows one row anyway) keeps this a probe per vehicle, never a table scan.
  SELECT s.body::text AS body FROM vehicle_signal s
  WHERE s.vehicle_id = w.vehicle_id AND s.code = $1
    AND coalesce(s.oem_updated_at, s.retrieved_at, s.key_at) < $3 AND ${needsRounding("s.body")}
  LIMIT 1
) s ON TRUE
ORDER BY w.vehicle_id`;

// Only if the body is still the one read: processing may have stored a newer reading meanwhile.
// The `= ANY` on the key's columns keeps this to key probes even where the planner would rather
// hash the whole table than join the batch's rows one by one.
const WRITE_LATEST_SQL = `
UPDATE vehicle_signal s SET body = c.body::jsonb
FROM unnest($2::text[], $3::text[], $4::text[]) AS c(vehicle_id, old_body, body)
WHERE s.vehicle_id = ANY($2::text[]) AND s.code = $1
  AND s.vehicle_id = c.vehicle_id AND s.body::text = c.old_body`;

export function latestLocationsWalkSql(cutoff: Date, afterVehicleId: string, limit: number): QueryConfig {
  return { name: "retention-walk-latest", text: WALK_LATEST_SQL, values: [PRECISE_LOCATION_CODE, afterVehicleId, cutoff, limit] };
}

export function writeLatestSql(rewrites: { vehicleId: string; oldBody: string; body: string }[]): QueryConfig {
  return {
    name: "retention-write-latest",
    text: WRITE_LATEST_SQL,
    values: [PRECISE_LOCATION_CODE, rewrites.map((r) => r.vehicleId), rewrites.map((r) => r.oldBody), rewrites.map((r) => r.body)],
  };
}

/** Rounds the latest precise location of each vehicle whose reading is older than the cutoff. */
export async function coarsenLatestLocationsBatch(
  db: ClientBase,
  cutoff: Date,
  afterVehicleId: string,
  limit: number,
): Promise<{ walked: number; lastVehicleId: string | null; changed: number }> {
  const walked = await db.query<{ vehicle_id: string; body: string | null }>(latestLocationsWalkSql(cutoff, afterVehicleId, limit));
  const rewrites = walked.rows.flatMap((row) => {
    if (row.body === null) return [];
    const body = coarsenSignalBody(JSON.parse(row.body));
    return body === null ? [] : [{ vehicleId: row.vehicle_id, oldBody: row.body, body }];
  });
  let changed = 0;
  if (rewrites.length > 0) {
    const written = await db.query(writeLatestSql(rewrites));
    changed = written.rowCount ?? 0;
  }
  return { walked: walked.rows.length, lastVehicleId: walked.rows.at(-1)?.vehicle_id ?? null, changed };
}
