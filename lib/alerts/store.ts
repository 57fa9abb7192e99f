import type pg from "pg";
import type { AlertChanges, LiveAlert } from "@/lib/alerts/diff";
import type { NotifiableAlert, Transition } from "@/lib/alerts/message";
import { logger } from "@/lib/observability/logger";

// Owner of the alert table's writes (lib/dal/alerts.ts reads it for the API and the pages; an
// acknowledgement is lib/alerts/acknowledge.ts). open_key = dedupe_key while an alert is live and
// NULL once it is resolved: its unique index is the durable guarantee of one live alert per rule
// and subject; the advisory lock only keeps two evaluations from doing the same work.

// Evaluation and notification share one lock: a notification decided on never races the
// evaluation that resolves its alert.
const LOCK_SQL = "SELECT pg_try_advisory_lock(hashtext('smartcar-monitor.alerts')) AS locked";
const UNLOCK_SQL = "SELECT pg_advisory_unlock(hashtext('smartcar-monitor.alerts'))";

/**
 * Runs `fn` on a connection holding the alerts lock, or returns null at once when another
 * evaluation (another instance, an overlapping run) holds it. The lock is the session's: a
 * process dying mid-way releases it with its connection.
 */
export async function withAlertsLock<T>(db: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T | null> {
  const client = await db.connect();
  const onConnectionError = (err: Error) => logger.warn({ err }, "alerts.connection_lost");
  client.on("error", onConnectionError);
  let broken: Error | undefined;
  try {
    const { rows } = await client.query<{ locked: boolean }>(LOCK_SQL).catch((err: unknown) => {
      broken = asError(err);
      throw err;
    });
    if (!rows[0]?.locked) return null;
    try {
      return await fn(client);
    } finally {
      await client.query(UNLOCK_SQL).catch((err: unknown) => {
        // The connection is dropped below, which releases the lock with it.
        broken = asError(err);
      });
    }
  } finally {
    client.off("error", onConnectionError);
    client.release(broken);
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

export async function liveAlerts(db: pg.PoolClient): Promise<LiveAlert[]> {
  const { rows } = await db.query<{ id: string; dedupe_key: string }>({
    name: "alerts-live",
    text: "SELECT id::text AS id, dedupe_key FROM alert WHERE open_key IS NOT NULL",
  });
  return rows.map((r) => ({ id: r.id, dedupeKey: r.dedupe_key }));
}

/** Opens, refreshes and resolves, in the caller's transaction. */
export async function applyAlertChanges(db: pg.PoolClient, changes: AlertChanges): Promise<void> {
  const { open, refresh, resolve } = changes;
  if (open.length > 0) {
    await db.query({
      name: "alerts-open",
      text: `INSERT INTO alert (rule, subject, dedupe_key, open_key, severity, title, detail)
             SELECT u.rule, u.subject, u.key, u.key, u.severity, u.title, u.detail::jsonb
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u(rule, subject, key, severity, title, detail)
             ON CONFLICT (open_key) DO NOTHING`,
      values: [
        open.map((a) => a.rule),
        open.map((a) => a.subject),
        open.map((a) => a.dedupeKey),
        open.map((a) => a.severity),
        open.map((a) => a.title),
        open.map((a) => JSON.stringify(a.detail)),
      ],
    });
  }
  if (refresh.length > 0) {
    await db.query({
      name: "alerts-refresh",
      text: `UPDATE alert a SET last_seen_at = now(), severity = u.severity, title = u.title, detail = u.detail::jsonb
             FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS u(id, severity, title, detail)
             WHERE a.id = u.id AND a.open_key IS NOT NULL`,
      values: [
        refresh.map((r) => r.id),
        refresh.map((r) => r.alert.severity),
        refresh.map((r) => r.alert.title),
        refresh.map((r) => JSON.stringify(r.alert.detail)),
      ],
    });
  }
  if (resolve.length > 0) {
    await db.query({
      name: "alerts-resolve",
      text: "UPDATE alert SET state = 'RESOLVED', resolved_at = now(), open_key = NULL WHERE id = ANY($1::bigint[]) AND open_key IS NOT NULL",
      values: [resolve],
    });
  }
}

export interface PendingNotification {
  alert: NotifiableAlert;
  transition: Transition;
}

/**
 * Transitions not yet notified: a live alert never notified (opened), a resolved one notified
 * before its resolution or never (resolved — alone when its opening was never delivered).
 * Transitions older than `maxAgeHours` are left alone, so configuring a webhook later does not
 * replay history. Alerts whose last attempt failed go last, so one message the receiver refuses
 * cannot hold back the others.
 */
export async function pendingNotifications(db: pg.PoolClient, { maxAgeHours, limit }: { maxAgeHours: number; limit: number }): Promise<PendingNotification[]> {
  const { rows } = await db.query<{
    id: string;
    rule: string;
    subject: string;
    state: string;
    severity: string;
    title: string;
    summary: string | null;
    opened_at: Date;
    resolved_at: Date | null;
  }>({
    name: "alerts-pending-notifications",
    text: `SELECT id::text AS id, rule, subject, state, severity, title, detail->>'summary' AS summary, opened_at, resolved_at
           FROM alert
           WHERE (open_key IS NOT NULL AND notified_at IS NULL AND opened_at > now() - make_interval(hours => $1))
              OR (state = 'RESOLVED' AND (notified_at IS NULL OR notified_at < resolved_at) AND resolved_at > now() - make_interval(hours => $1))
           ORDER BY (notify_error IS NOT NULL), id
           LIMIT $2`,
    values: [maxAgeHours, limit],
  });
  return rows.map((r) => ({
    transition: r.state === "RESOLVED" ? "resolved" : "opened",
    alert: {
      id: r.id,
      rule: r.rule,
      subject: r.subject,
      severity: r.severity,
      title: r.title,
      summary: r.summary ?? "",
      openedAt: r.opened_at,
      resolvedAt: r.resolved_at,
    },
  }));
}

export async function markNotified(db: pg.PoolClient, id: string): Promise<void> {
  await db.query({ name: "alerts-notified", text: "UPDATE alert SET notified_at = now(), notify_error = NULL WHERE id = $1::bigint", values: [id] });
}

export async function markNotifyFailed(db: pg.PoolClient, id: string, error: string): Promise<void> {
  await db.query({ name: "alerts-notify-failed", text: "UPDATE alert SET notify_error = $2 WHERE id = $1::bigint", values: [id, error] });
}
