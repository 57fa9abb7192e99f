import type { ClientBase, QueryConfig } from "pg";
import { cutoffStatement, type WalkBatchResult, type WalkWindow } from "@/lib/retention/batches";
import { coarsenRawBody } from "@/lib/retention/coarsen-body";

// Retention of the event table, a bounded batch per call (run in the caller's transaction). The
// walks go through the (received_at DESC, event_id DESC) index in key order from a saved
// position, so a batch costs the same whether a year of already-handled rows lies behind it or none.

const NO_START = "-infinity";

// $1 from, $2 to, $3/$4 the key after which to continue, $5 the batch size. The statements below
// reach the walked rows as `event_id = ANY(ARRAY(...))`: primary-key probes, where a join would
// let the planner hash the whole table for a couple of thousand rows.
const WALKED_CTE = `
walked AS (
  SELECT received_at, event_id FROM event
  WHERE received_at >= $1::timestamptz AND received_at < $2::timestamptz
    AND (received_at, event_id) > ($3::timestamptz, $4::text)
  ORDER BY received_at, event_id
  LIMIT $5
), last AS (
  SELECT received_at, event_id FROM walked ORDER BY received_at DESC, event_id DESC LIMIT 1
)`;

const WALK_RESULT = `(SELECT count(*) FROM walked)::int AS walked, (SELECT received_at FROM last) AS last_at, (SELECT event_id FROM last) AS last_id`;

function walkValues(window: WalkWindow, limit: number): unknown[] {
  return [window.from ?? NO_START, window.to, window.after?.at ?? NO_START, window.after?.id ?? "", limit];
}

interface WalkRow {
  walked: number;
  last_at: Date | null;
  last_id: string | null;
}

function walkResult(row: WalkRow | undefined, changed: number): WalkBatchResult {
  if (!row) throw new Error("a retention walk returned no row");
  return { walked: row.walked, last: row.last_at && row.last_id !== null ? { at: row.last_at, id: row.last_id } : null, changed };
}

// Dead letters keep their payload so they can be re-driven; PENDING and PROCESSING events are
// still the pipeline's. The row itself stays as the tombstone: the receiver's insert on the
// eventId key keeps a replay of the old signed body a duplicate.
const PURGE_PAYLOADS_SQL = `
WITH ${WALKED_CTE}, purged AS (
  UPDATE event e SET raw_body = NULL, payload_purged_at = now()
  WHERE e.event_id = ANY(ARRAY(SELECT event_id FROM walked)) AND e.status = 'PROCESSED' AND e.raw_body IS NOT NULL
  RETURNING 1
)
SELECT ${WALK_RESULT}, (SELECT count(*) FROM purged)::int AS changed`;

export function purgePayloadsSql(window: WalkWindow, limit: number): QueryConfig {
  return { name: "retention-purge-payloads", text: PURGE_PAYLOADS_SQL, values: walkValues(window, limit) };
}

export async function purgePayloadsBatch(db: ClientBase, window: WalkWindow, limit: number): Promise<WalkBatchResult> {
  const result = await db.query<WalkRow & { changed: number }>(purgePayloadsSql(window, limit));
  return walkResult(result.rows[0], result.rows[0]?.changed ?? 0);
}

// A body with neither word (nor a \u escape that could spell one) holds no coordinates: it is
// marked here without leaving the database (a data-modifying WITH always runs to completion).
// The others come back to be rounded in JavaScript, by the function viewers see them through.
const HAS_COORDINATES = `(strpos(e.raw_body, 'latitude') > 0 OR strpos(e.raw_body, 'longitude') > 0 OR strpos(e.raw_body, '\\u') > 0)`;

const SELECT_LOCATION_BODIES_SQL = `
WITH ${WALKED_CTE}, pending AS (
  SELECT e.event_id, ${HAS_COORDINATES} AS has_coordinates
  FROM event e
  WHERE e.event_id = ANY(ARRAY(SELECT event_id FROM walked))
    AND e.status IN ('PROCESSED', 'DEAD_LETTERED') AND e.location_coarsened_at IS NULL AND e.raw_body IS NOT NULL
), marked AS (
  UPDATE event e SET location_coarsened_at = now()
  WHERE e.event_id = ANY(ARRAY(SELECT event_id FROM pending WHERE NOT has_coordinates))
)
SELECT ${WALK_RESULT},
  coalesce((SELECT array_agg(p.event_id ORDER BY p.event_id) FROM pending p WHERE p.has_coordinates), '{}') AS ids`;

const SELECT_BODIES_SQL = "SELECT event_id, raw_body FROM event WHERE event_id = ANY($1::text[]) AND raw_body IS NOT NULL";

// The rewritten body no longer matches the SC-Signature it arrived with; nothing re-verifies a
// stored body, and the receiver's duplicate check is on the eventId, so that is harmless.
// body_bytes keeps the size as received. The status and NULL checks repeat the selection's, so
// an event re-driven or purged in between is left for a later pass.
const WRITE_LOCATION_BODIES_SQL = `
UPDATE event e SET raw_body = coalesce(c.body, e.raw_body), location_coarsened_at = now()
FROM unnest($1::text[], $2::text[]) AS c(event_id, body)
WHERE e.event_id = c.event_id AND e.status IN ('PROCESSED', 'DEAD_LETTERED')
  AND e.location_coarsened_at IS NULL AND e.raw_body IS NOT NULL`;

export function eventLocationsWalkSql(window: WalkWindow, limit: number): QueryConfig {
  return { name: "retention-event-locations", text: SELECT_LOCATION_BODIES_SQL, values: walkValues(window, limit) };
}

export function writeEventLocationsSql(rewrites: { eventId: string; body: string | null }[]): QueryConfig {
  return { name: "retention-write-event-locations", text: WRITE_LOCATION_BODIES_SQL, values: [rewrites.map((r) => r.eventId), rewrites.map((r) => r.body)] };
}

// Raw bodies are up to 64 KB each: they travel in smaller groups than the walk's batch.
const BODIES_PER_STATEMENT = 500;

/** Rounds the coordinates in the raw bodies of final events; each event is rewritten once. */
export async function coarsenEventLocationsBatch(db: ClientBase, window: WalkWindow, limit: number): Promise<WalkBatchResult> {
  const walked = await db.query<WalkRow & { ids: string[] }>(eventLocationsWalkSql(window, limit));
  const ids = walked.rows[0]?.ids ?? [];
  let rewritten = 0;
  for (let start = 0; start < ids.length; start += BODIES_PER_STATEMENT) {
    const group = ids.slice(start, start + BODIES_PER_STATEMENT);
    const bodies = await db.query<{ event_id: string; raw_body: string }>({ name: "retention-event-bodies", text: SELECT_BODIES_SQL, values: [group] });
    const rewrites = bodies.rows.map((row) => ({ eventId: row.event_id, body: coarsenRawBody(row.raw_body) }));
    await db.query(writeEventLocationsSql(rewrites));
    rewritten += rewrites.filter((r) => r.body !== null).length;
  }
  return walkResult(walked.rows[0], rewritten);
}

// Only final events: PENDING and PROCESSING ones still belong to the pipeline. Deliveries and
// processing attempts go with them (ON DELETE CASCADE).
const DELETE_TOMBSTONES_SQL = `
DELETE FROM event WHERE event_id = ANY(ARRAY(
  SELECT event_id FROM event
  WHERE received_at < $1 AND status IN ('PROCESSED', 'DEAD_LETTERED')
  ORDER BY received_at
  LIMIT $2
))`;

export const { sql: deleteTombstonesSql, batch: deleteTombstonesBatch } = cutoffStatement("retention-delete-tombstones", DELETE_TOMBSTONES_SQL);
