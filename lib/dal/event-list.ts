import { z } from "zod";
import { resourceIdSchema } from "@/lib/api/params";
import { EventStatus } from "@/lib/db/generated/enums";
import { pool } from "@/lib/db/pool";
import { assertRole, type Viewer } from "@/lib/dal/authorize";
import { decodeCursor, encodeCursor, type Page } from "@/lib/dal/cursor";
import { toEventResource, type EventResource, type EventResourceRow } from "@/lib/dal/events";
import { sqlParams, type SqlParams } from "@/lib/dal/sql-params";
import { timestampSchema } from "@/lib/dal/time-range";

// The event list (API.md §5), newest first, keyset-paged on (received_at, event_id): the cost of
// a page does not grow with its depth, and rows stored while someone pages never shift the
// pages still to come. Each filter is served by an index of schema.prisma — (received_at,
// event_id), (status, received_at), (vehicle_id, received_at), (event_type, received_at) — and
// `q` by the primary key and delivery(delivery_id); test/integration/dashboard/explain.test.ts
// checks the plans.

export const eventFilterSchema = z.object({
  type: z.string().min(1).max(64).optional(),
  status: z.enum(EventStatus).optional(),
  vehicleId: resourceIdSchema.optional(),
  mode: z.enum(["LIVE", "TEST"]).optional(),
  from: timestampSchema.optional(),
  to: timestampSchema.optional(),
  /** Exact eventId or Smartcar deliveryId. */
  q: z.string().trim().min(1).max(256).optional(),
});

export type EventFilter = z.output<typeof eventFilterSchema>;

export const MAX_PAGE_SIZE = 200;

/** `limit` (default 50, at most MAX_PAGE_SIZE) and `cursor` of every keyset-paged list. */
export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
  cursor: z.string().min(1).max(1024).optional(),
});

export const eventListQuerySchema = eventFilterSchema.extend(pageQuerySchema.shape);

export type EventListQuery = z.output<typeof eventListQuerySchema>;

const cursorSchema = z.object({ r: z.iso.datetime(), e: resourceIdSchema });

/** The WHERE conditions of `filter` on table alias `e` (also what a bulk re-drive selects). */
export function eventFilterConditions(filter: EventFilter, p: SqlParams): string[] {
  const conditions: string[] = [];
  if (filter.type !== undefined) conditions.push(`e.event_type = ${p.add(filter.type)}`);
  if (filter.status !== undefined) conditions.push(`e.status = ${p.add(filter.status)}::"EventStatus"`);
  if (filter.vehicleId !== undefined) conditions.push(`e.vehicle_id = ${p.add(filter.vehicleId)}`);
  if (filter.mode !== undefined) conditions.push(`e.mode = ${p.add(filter.mode)}`);
  if (filter.from !== undefined) conditions.push(`e.received_at >= ${p.add(filter.from)}`);
  if (filter.to !== undefined) conditions.push(`e.received_at < ${p.add(filter.to)}`);
  if (filter.q !== undefined) {
    // One array of candidate ids, so the primary key answers; `OR event_id IN (…)` would make
    // Postgres walk the whole received_at index instead.
    const q = p.add(filter.q);
    conditions.push(`e.event_id = ANY(ARRAY(SELECT ${q}::text UNION SELECT d.event_id FROM delivery d WHERE d.delivery_id = ${q}))`);
  }
  return conditions;
}

/** The SQL of one page (exported so the EXPLAIN test checks exactly what runs). */
export function eventPageSql(query: EventListQuery): { text: string; values: unknown[] } {
  const p = sqlParams();
  const conditions = eventFilterConditions(query, p);
  if (query.cursor !== undefined) {
    const after = decodeCursor(cursorSchema, query.cursor);
    // A row comparison the (received_at DESC, event_id DESC) index can seek to directly.
    conditions.push(`(e.received_at, e.event_id) < (${p.add(new Date(after.r))}::timestamptz, ${p.add(after.e)}::text)`);
  }
  const text = `
SELECT e.event_id AS "eventId", e.event_type AS "eventType", e.vehicle_id AS "vehicleId", e.mode, e.status, e.outcome,
  e.received_at AS "receivedAt", e.dispatched_at AS "dispatchedAt", e.processed_at AS "processedAt",
  e.delivery_count AS "deliveryCount", e.attempts, e.redrives,
  e.signals_applied AS "signalsApplied", e.signals_stale AS "signalsStale", e.signals_failed AS "signalsFailed",
  e.error_reason AS "errorReason", e.error_message AS "errorMessage", e.error_at AS "errorAt"
FROM event e
${conditions.length > 0 ? `WHERE ${conditions.join("\n  AND ")}` : ""}
ORDER BY e.received_at DESC, e.event_id DESC
LIMIT ${p.add(query.limit + 1)}`;
  return { text, values: p.values };
}

/** One page of events matching the filters, newest first. Throws INVALID_QUERY for a foreign cursor. */
export async function listEvents(viewer: Viewer, query: EventListQuery): Promise<Page<EventResource>> {
  assertRole(viewer, "viewer");
  const { text, values } = eventPageSql(query);
  const { rows } = await pool().query<EventResourceRow>({ text, values });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map(toEventResource),
    nextCursor: rows.length > query.limit && last ? encodeCursor({ r: last.receivedAt.toISOString(), e: last.eventId }) : null,
  };
}
