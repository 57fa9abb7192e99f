import { randomUUID } from "node:crypto";
import type pg from "pg";

// The conditions each alert rule looks for, written straight into the tables the rules read —
// as the receiver, processing, the rollups and the storage breaker would have left them.
// Times are relative to the database's clock, which is the one the evaluation uses.

export async function signatureRejections(db: pg.Pool, count: number, reason = "SIGNATURE_MISMATCH"): Promise<void> {
  await db.query(
    `INSERT INTO rejected_delivery (reason, http_status, body_bytes, body_sha256, body_head, headers, tokens_tried, received_at)
     SELECT $1, 401, 2, repeat('0', 64), '{}', '{}', '{}', now() - make_interval(secs => i) FROM generate_series(1, $2::int) i`,
    [reason, count],
  );
}

/** Stored events with one delivery each, verified by `slot`. */
export async function deliveries(db: pg.Pool, count: number, slot: "current" | "previous"): Promise<void> {
  await db.query(
    `WITH e AS (
       INSERT INTO event (event_id, event_type, raw_body, body_bytes, status, received_at, processed_at)
       SELECT 'delivered-' || gen_random_uuid(), 'VEHICLE_STATE', '{}', 2, 'PROCESSED', now() - interval '1 minute', now() FROM generate_series(1, $1::int)
       RETURNING event_id
     )
     INSERT INTO delivery (event_id, token_slot, body_bytes, received_at) SELECT event_id, $2, 2, now() - interval '1 minute' FROM e`,
    [count, slot],
  );
}

/** Processed events with one attempt each, `failed` of them failed once before. */
export async function processingAttempts(db: pg.Pool, { ok, failed }: { ok: number; failed: number }): Promise<void> {
  await db.query(
    `WITH e AS (
       INSERT INTO event (event_id, event_type, raw_body, body_bytes, status, received_at, processed_at)
       SELECT 'attempted-' || i || '-' || gen_random_uuid(), 'VEHICLE_STATE', '{}', 2, 'PROCESSED', now() - interval '2 minutes', now()
       FROM generate_series(1, $1::int) i
       RETURNING event_id, split_part(event_id, '-', 2)::int AS n
     )
     INSERT INTO processing_attempt (event_id, attempt, finished_at, result, error)
     SELECT event_id, 1, now(), CASE WHEN n <= $2 THEN 'error' ELSE 'ok' END, CASE WHEN n <= $2 THEN 'boom' END FROM e`,
    [ok + failed, failed],
  );
}

export async function deadLetter(db: pg.Pool, { minutesAgo = 1, reason = "NO_VEHICLE_ID" } = {}): Promise<string> {
  const eventId = randomUUID();
  await db.query(
    `INSERT INTO event (event_id, event_type, raw_body, body_bytes, status, received_at, error_reason, error_message, error_at)
     VALUES ($1, 'VEHICLE_STATE', '{}', 2, 'DEAD_LETTERED', now() - make_interval(mins => $2 + 1), $3, 'test', now() - make_interval(mins => $2))`,
    [eventId, minutesAgo, reason],
  );
  return eventId;
}

export async function pendingEvent(db: pg.Pool, { minutesAgo }: { minutesAgo: number }): Promise<string> {
  const eventId = randomUUID();
  await db.query(
    `INSERT INTO event (event_id, event_type, raw_body, body_bytes, status, received_at, dispatched_at)
     VALUES ($1, 'VEHICLE_STATE', '{}', 2, 'PENDING', now() - make_interval(mins => $2), now() - make_interval(mins => $2))`,
    [eventId, minutesAgo],
  );
  return eventId;
}

/** receive_ms_bucket counts in the current UTC hour, as the receiver's rollups keep them. */
export async function receiveTimes(db: pg.Pool, buckets: Record<string, number>): Promise<void> {
  await db.query(
    `INSERT INTO stat_hour (hour, metric, dimension, value)
     SELECT date_trunc('hour', now()), 'receive_ms_bucket', d, v FROM unnest($1::text[], $2::bigint[]) AS u(d, v)
     ON CONFLICT (hour, metric, dimension) DO UPDATE SET value = EXCLUDED.value`,
    [Object.keys(buckets), Object.values(buckets)],
  );
}

/** A vehicle last heard from `quietMinutes` ago that usually reports every 5 minutes. */
export async function vehicle(db: pg.Pool, { quietMinutes, needsReauth = false, make = "TESLA" }: { quietMinutes: number; needsReauth?: boolean; make?: string }): Promise<string> {
  const vehicleId = randomUUID();
  await db.query(
    `INSERT INTO vehicle (vehicle_id, make, model, year, last_seen_at, recent_gaps, needs_reauth, reauth_at)
     VALUES ($1, $2, 'Model 3', 2021, now() - make_interval(mins => $3), '{300,300,300}', $4, CASE WHEN $4 THEN now() - interval '5 minutes' END)`,
    [vehicleId, make, quietMinutes, needsReauth],
  );
  return vehicleId;
}

export async function openCondition(db: pg.Pool, vehicleId: string, type: string, code = ""): Promise<void> {
  await db.query(
    `INSERT INTO vehicle_condition (vehicle_id, type, code, state, signals, opened_at, state_at, last_event_id, last_reported_at)
     VALUES ($1, $2, $3, 'ERROR', '{}', now(), now(), 'condition-event', now())`,
    [vehicleId, type, code],
  );
}

export async function outageWindow(
  db: pg.Pool,
  { mode, startedMinutesAgo, endedMinutesAgo, refused = 0, spooled = 0 }: { mode: "refused" | "spooled"; startedMinutesAgo: number; endedMinutesAgo: number | null; refused?: number; spooled?: number },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO outage_window (started_at, ended_at, mode, refused, spooled, replayed, instance)
     VALUES (now() - make_interval(mins => $1), now() - make_interval(mins => $2), $3, $4, $5, $5, 'web-1:4242')
     RETURNING id::text`,
    [startedMinutesAgo, endedMinutesAgo, mode, refused, spooled],
  );
  const id = rows[0]?.id;
  if (!id) throw new Error("outage_window insert returned no id");
  return id;
}

const TABLES = ["alert", "rejected_delivery", "delivery", "processing_attempt", "event", "vehicle_condition", "vehicle", "stat_hour", "outage_window", "audit_entry"];

export async function clearAll(db: pg.Pool): Promise<void> {
  await db.query(`TRUNCATE ${TABLES.join(", ")} RESTART IDENTITY CASCADE`);
}
