import { z } from "zod";
import { pool } from "@/lib/db/pool";
import { assertRole, type Viewer } from "@/lib/dal/authorize";
import { decodeCursor, encodeCursor, type Page } from "@/lib/dal/cursor";
import { pageQuerySchema } from "@/lib/dal/event-list";
import { sqlParams } from "@/lib/dal/sql-params";
import { isoOrNull } from "@/lib/dal/timestamps";
import { timestampSchema } from "@/lib/dal/time-range";

// Requests the receiver refused (API.md §5 GET /rejections), newest first, keyset-paged on
// (received_at, id). The list never carries body bytes — a quarantined body may be anything an
// attacker sent; the detail shows its first 2 KB as text.

export const rejectionIdSchema = z.string().regex(/^[1-9][0-9]{0,17}$/, "a rejection id is a positive integer");

export const rejectionListQuerySchema = pageQuerySchema.extend({
  reason: z.string().regex(/^[A-Z_]{1,64}$/, "a reason such as SIGNATURE_MISMATCH").optional(),
  from: timestampSchema.optional(),
  to: timestampSchema.optional(),
});

export type RejectionListQuery = z.output<typeof rejectionListQuerySchema>;

export interface RejectionDto {
  /** Decimal string (bigint row id). */
  id: string;
  receivedAt: string;
  reason: string;
  httpStatus: number;
  bodyBytes: number;
  bodySha256: string;
  /** Whether the whole body is still quarantined, so a release can re-check it. */
  bodyKept: boolean;
  bodyExpiresAt: string | null;
  /** As received, without Cookie/Authorization. */
  headers: Record<string, string>;
  /** "<slot>:<sha256 prefix>" of the tokens the receiver tried. */
  tokensTried: string[];
  releasedAt: string | null;
  releasedEventId: string | null;
}

export interface RejectionDetail extends RejectionDto {
  /** The first 2 KB of the body as UTF-8 text. */
  bodyHead: string;
}

const cursorSchema = z.object({ r: z.iso.datetime(), i: rejectionIdSchema });
const headersSchema = z.record(z.string(), z.string());

interface RejectionRow {
  id: string;
  received_at: Date;
  reason: string;
  http_status: number;
  body_bytes: number;
  body_sha256: string;
  body_kept: boolean;
  body_expires_at: Date | null;
  headers: unknown;
  tokens_tried: string[];
  released_at: Date | null;
  released_event_id: string | null;
}

// The body's presence, never its bytes. An expired body still awaiting deletion counts as gone.
const COLUMNS = `r.id, r.received_at, r.reason, r.http_status, r.body_bytes, r.body_sha256,
  (r.body IS NOT NULL AND (r.body_expires_at IS NULL OR r.body_expires_at > now())) AS body_kept,
  r.body_expires_at, r.headers, r.tokens_tried, r.released_at, r.released_event_id`;

export async function listRejections(viewer: Viewer, query: RejectionListQuery): Promise<Page<RejectionDto>> {
  assertRole(viewer, "support");
  const p = sqlParams();
  const conditions: string[] = [];
  if (query.reason !== undefined) conditions.push(`r.reason = ${p.add(query.reason)}`);
  if (query.from !== undefined) conditions.push(`r.received_at >= ${p.add(query.from)}`);
  if (query.to !== undefined) conditions.push(`r.received_at < ${p.add(query.to)}`);
  if (query.cursor !== undefined) {
    const after = decodeCursor(cursorSchema, query.cursor);
    conditions.push(`(r.received_at, r.id) < (${p.add(new Date(after.r))}::timestamptz, ${p.add(after.i)}::bigint)`);
  }
  const { rows } = await pool().query<RejectionRow>({
    text: `SELECT ${COLUMNS} FROM rejected_delivery r
${conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : ""}
ORDER BY r.received_at DESC, r.id DESC LIMIT ${p.add(query.limit + 1)}`,
    values: p.values,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map(toDto),
    nextCursor: rows.length > query.limit && last ? encodeCursor({ r: last.received_at.toISOString(), i: last.id }) : null,
  };
}

/** One rejection with the first 2 KB of its body; null for an unknown id. */
export async function getRejection(viewer: Viewer, id: string): Promise<RejectionDetail | null> {
  assertRole(viewer, "support");
  if (!rejectionIdSchema.safeParse(id).success) return null;
  const { rows } = await pool().query<RejectionRow & { body_head: string }>({
    text: `SELECT ${COLUMNS}, r.body_head FROM rejected_delivery r WHERE r.id = $1::bigint`,
    values: [id],
  });
  const row = rows[0];
  return row ? { ...toDto(row), bodyHead: row.body_head } : null;
}

function toDto(row: RejectionRow): RejectionDto {
  const headers = headersSchema.safeParse(row.headers);
  return {
    id: row.id,
    receivedAt: row.received_at.toISOString(),
    reason: row.reason,
    httpStatus: row.http_status,
    bodyBytes: row.body_bytes,
    bodySha256: row.body_sha256,
    bodyKept: row.body_kept,
    bodyExpiresAt: isoOrNull(row.body_expires_at),
    headers: headers.success ? headers.data : {},
    tokensTried: row.tokens_tried,
    releasedAt: isoOrNull(row.released_at),
    releasedEventId: row.released_event_id,
  };
}
