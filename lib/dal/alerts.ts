import { z } from "zod";
import { pool } from "@/lib/db/pool";
import { assertRole, type Viewer } from "@/lib/dal/authorize";
import { decodeCursor, encodeCursor, type Page } from "@/lib/dal/cursor";
import { pageQuerySchema } from "@/lib/dal/event-list";
import { sqlParams } from "@/lib/dal/sql-params";
import { isoOrNull } from "@/lib/dal/timestamps";

// Alerts for GET /api/v1/alerts and the Alerts page (API.md §5): what the evaluator found
// (lib/alerts), live ones first — open before acknowledged, critical before warning — then
// newest first. Keyset-paged on that order.

export const ALERT_STATES = ["OPEN", "ACKNOWLEDGED", "RESOLVED"] as const;

export type AlertState = (typeof ALERT_STATES)[number];

export const alertIdSchema = z.string().regex(/^[1-9][0-9]{0,17}$/, "an alert id is a positive integer");

export const alertListQuerySchema = pageQuerySchema.extend({ state: z.enum(ALERT_STATES).optional() });

export type AlertListQuery = z.output<typeof alertListQuerySchema>;

export interface AlertResource {
  /** Decimal string (bigint row id). */
  id: string;
  /** e.g. backlog_age, vehicle_silent, storage_outage. */
  rule: string;
  /** "" for fleet-wide rules; a vehicleId or an outage window id otherwise. */
  subject: string;
  state: AlertState;
  severity: "warning" | "critical";
  title: string;
  /** The problem in one sentence, as of the last evaluation that saw it. */
  summary: string;
  /** The numbers behind the summary. */
  detail: Record<string, unknown>;
  openedAt: string;
  lastSeenAt: string;
  acknowledgedAt: string | null;
  /** The user's email or the API token's name. */
  acknowledgedBy: string | null;
  resolvedAt: string | null;
  /** When the last transition (opened or resolved) reached the webhook. */
  notifiedAt: string | null;
  /** Why the last webhook attempt failed; null once one succeeds. */
  notifyError: string | null;
}

/** An alert row with camelCase fields, as Prisma and the queries below both give it. */
export interface AlertRecord {
  id: string;
  rule: string;
  subject: string;
  state: string;
  severity: string;
  title: string;
  detail: unknown;
  openedAt: Date;
  lastSeenAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  resolvedAt: Date | null;
  notifiedAt: Date | null;
  notifyError: string | null;
}

const detailSchema = z.record(z.string(), z.unknown());
const stateSchema = z.enum(ALERT_STATES);

export function toAlertResource(row: AlertRecord): AlertResource {
  const parsed = detailSchema.safeParse(row.detail);
  const { summary, ...detail } = parsed.success ? parsed.data : {};
  return {
    id: row.id,
    rule: row.rule,
    subject: row.subject,
    // The evaluator writes nothing else; an unknown value reads as the safest one to show.
    state: stateSchema.catch("OPEN").parse(row.state),
    severity: row.severity === "critical" ? "critical" : "warning",
    title: row.title,
    summary: typeof summary === "string" ? summary : "",
    detail,
    openedAt: row.openedAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    acknowledgedAt: isoOrNull(row.acknowledgedAt),
    acknowledgedBy: row.acknowledgedBy,
    resolvedAt: isoOrNull(row.resolvedAt),
    notifiedAt: isoOrNull(row.notifiedAt),
    notifyError: row.notifyError,
  };
}

const COLUMNS = `a.id::text AS "id", a.rule, a.subject, a.state, a.severity, a.title, a.detail, a.opened_at AS "openedAt",
  a.last_seen_at AS "lastSeenAt", a.acknowledged_at AS "acknowledgedAt", a.acknowledged_by AS "acknowledgedBy",
  a.resolved_at AS "resolvedAt", a.notified_at AS "notifiedAt", a.notify_error AS "notifyError"`;

// The list's first sort key: 0 open critical … 4 resolved.
const RANK = `(CASE a.state WHEN 'OPEN' THEN 0 WHEN 'ACKNOWLEDGED' THEN 2 ELSE 4 END + CASE WHEN a.state <> 'RESOLVED' AND a.severity <> 'critical' THEN 1 ELSE 0 END)`;

const cursorSchema = z.object({ k: z.number().int().min(0).max(4), o: z.iso.datetime(), i: alertIdSchema });

export async function listAlerts(viewer: Viewer, query: AlertListQuery): Promise<Page<AlertResource>> {
  assertRole(viewer, "viewer");
  const p = sqlParams();
  const conditions: string[] = [];
  if (query.state !== undefined) conditions.push(`a.state = ${p.add(query.state)}`);
  if (query.cursor !== undefined) {
    const after = decodeCursor(cursorSchema, query.cursor);
    const rank = p.add(after.k);
    conditions.push(`(${RANK} > ${rank}::int OR (${RANK} = ${rank}::int AND (a.opened_at, a.id) < (${p.add(new Date(after.o))}::timestamptz, ${p.add(after.i)}::bigint)))`);
  }
  const { rows } = await pool().query<AlertRecord & { rank: number }>({
    text: `SELECT ${COLUMNS}, ${RANK} AS rank FROM alert a
${conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : ""}
ORDER BY rank, a.opened_at DESC, a.id DESC LIMIT ${p.add(query.limit + 1)}`,
    values: p.values,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map(toAlertResource),
    nextCursor: rows.length > query.limit && last ? encodeCursor({ k: last.rank, o: last.openedAt.toISOString(), i: last.id }) : null,
  };
}

export interface LiveAlertCounts {
  open: number;
  acknowledged: number;
  /** Open or acknowledged. */
  critical: number;
}

/** Live alerts by state, for headlines. */
export async function countLiveAlerts(viewer: Viewer): Promise<LiveAlertCounts> {
  assertRole(viewer, "viewer");
  const { rows } = await pool().query<LiveAlertCounts>({
    name: "dal-live-alert-counts",
    text: `SELECT count(*) FILTER (WHERE state = 'OPEN')::int AS open,
                  count(*) FILTER (WHERE state = 'ACKNOWLEDGED')::int AS acknowledged,
                  count(*) FILTER (WHERE severity = 'critical')::int AS critical
           FROM alert WHERE open_key IS NOT NULL`,
  });
  return rows[0] ?? { open: 0, acknowledged: 0, critical: 0 };
}
