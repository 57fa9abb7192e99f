import type pg from "pg";
import { env } from "@/lib/config";
import { pool } from "@/lib/db/pool";
import { withTransaction } from "@/lib/db/transaction";
import { logger } from "@/lib/observability/logger";
import { metrics } from "@/lib/observability/metrics";
import {
  isDuplicateErrorReport,
  refreshNeedsReauth,
  upsertVehicle,
  writeConditions,
  writeSignals,
} from "@/lib/processing/persist-state";
import { applyStatePlan, type StatePlan } from "@/lib/processing/apply-state";
import { needsReauthType, planEvent, type Plan } from "@/lib/processing/plan";
import { normaliseEvent } from "@/lib/smartcar/normalise";
import { recordDeadLettered, recordProcessed } from "@/lib/stats/processing-stats";

export type ProcessOutcome = "APPLIED" | "ALL_STALE" | "TEST_NOT_APPLIED" | "IGNORED_EVENT_TYPE" | "DUPLICATE_ERROR";

export type ProcessResult =
  | { status: "PROCESSED"; outcome: ProcessOutcome; applied: number; stale: number; failed: number }
  | { status: "DEAD_LETTERED"; reason: string }
  | { status: "SKIPPED"; why: "NOT_FOUND" | "ALREADY_FINAL" };

export interface RunInfo {
  runId: string | null;
  /** 0-based attempt of this run (Inngest's ctx.attempt). */
  attempt: number;
}

interface StoredEventRow {
  event_type: string;
  raw_body: string | null;
  status: string;
  event_at: Date;
  received_at: Date;
}

const REAUTH_TYPES = ["CONNECTED_SERVICES_ACCOUNT", "PERMISSION"];

/**
 * Applies one stored event to vehicle state and marks it processed, all in ONE transaction: a
 * run that dies half-way leaves nothing behind, and a repeated run finds the event final and
 * changes nothing (idempotent on eventId). Throws on unexpected failure so the queue retries;
 * the failed attempt is recorded first.
 */
export async function processStoredEvent(eventId: string, run: RunInfo): Promise<ProcessResult> {
  try {
    const fast = await applyIfStateEvent(eventId, run);
    if (fast) return fast;
    return await processWithLock(eventId, run);
  } catch (error) {
    await recordFailedAttempt(eventId, run, error).catch((e: unknown) => logger.error({ eventId, err: e }, "processing.attempt_not_recorded"));
    logger.error({ eventId, runId: run.runId, attempt: run.attempt, err: error }, "processing.failed");
    throw error;
  }
}

/**
 * The hot path: a VEHICLE_STATE event is read without a lock and applied by one statement
 * (lib/processing/apply-state.ts) that locks and re-checks the event itself. Anything else —
 * errors, ignored and dead-lettered events, a final or purged event — returns null and takes
 * the locked transaction below.
 */
async function applyIfStateEvent(eventId: string, run: RunInfo): Promise<ProcessResult | null> {
  const found = await pool().query<StoredEventRow>({ name: "read-event", text: `${SELECT_EVENT} WHERE event_id = $1`, values: [eventId] });
  const row = found.rows[0];
  if (!row || row.raw_body === null || row.status === "PROCESSED" || row.status === "DEAD_LETTERED") return null;
  const { plan, vehicleId } = planStored({ ...row, raw_body: row.raw_body });
  if (plan.action !== "apply_state") return null;
  const result = await applyState(pool(), eventId, row, plan, run);
  // Final or purged meanwhile: the locked path below sees which, and says so.
  if (result.status === "SKIPPED") return null;
  report(eventId, result, { eventType: row.event_type, vehicleId });
  return result;
}

async function applyState(db: pg.Pool | pg.PoolClient, eventId: string, row: StoredEventRow, plan: StatePlan, run: RunInfo): Promise<ProcessResult> {
  const applied = await applyStatePlan(db, { eventId, receivedAt: row.received_at, plan, run });
  if (!applied.claimed) return { status: "SKIPPED", why: "ALREADY_FINAL" };
  metrics().processingLag.observe((Date.now() - row.received_at.getTime()) / 1000);
  return { status: "PROCESSED", outcome: applied.outcome, applied: applied.applied, stale: applied.stale, failed: applied.failed };
}

async function processWithLock(eventId: string, run: RunInfo): Promise<ProcessResult> {
  const { result, eventType, vehicleId } = await withTransaction((db) => processInTransaction(db, eventId, run), {
    label: "processing",
    context: { eventId },
  });
  report(eventId, result, { eventType, vehicleId });
  return result;
}

const SELECT_EVENT = `SELECT event_type, raw_body, status, coalesce(first_delivered_at, received_at) AS event_at, received_at FROM event`;

function planStored(row: StoredEventRow & { raw_body: string }): { plan: Plan; vehicleId: string | null } {
  const normalised = normaliseEvent(JSON.parse(row.raw_body));
  const plan = planEvent({ ...normalised, eventType: row.event_type }, { eventAt: row.event_at, applyTestEvents: env().APPLY_TEST_EVENTS });
  return { plan, vehicleId: normalised.vehicleId };
}

interface TransactionResult {
  result: ProcessResult;
  eventType: string | null;
  vehicleId: string | null;
}

async function processInTransaction(db: pg.PoolClient, eventId: string, run: RunInfo): Promise<TransactionResult> {
  const found = await db.query<StoredEventRow>({ name: "lock-event", text: `${SELECT_EVENT} WHERE event_id = $1 FOR UPDATE`, values: [eventId] });
  const row = found.rows[0];
  if (!row) return { result: { status: "SKIPPED", why: "NOT_FOUND" }, eventType: null, vehicleId: null };
  const about = { eventType: row.event_type, vehicleId: null };
  if (row.status === "PROCESSED" || row.status === "DEAD_LETTERED") return { result: { status: "SKIPPED", why: "ALREADY_FINAL" }, ...about };
  if (row.raw_body === null) {
    return { result: await deadLetter(db, eventId, run, "PAYLOAD_PURGED", "The raw payload was purged by retention; nothing to apply."), ...about };
  }

  const { plan, vehicleId } = planStored({ ...row, raw_body: row.raw_body });
  const context = { eventType: row.event_type, vehicleId };
  if (plan.action === "apply_state") return { result: await applyState(db, eventId, row, plan, run), ...context };
  const applied = await applyPlan(db, eventId, row, plan);
  if (applied.status === "DEAD_LETTERED") return { result: await deadLetter(db, eventId, run, applied.reason, applied.message), ...context };

  await db.query({
    name: "mark-processed",
    text: `
WITH e AS (
  UPDATE event SET status = 'PROCESSED', outcome = $2, processed_at = now(), attempts = attempts + 1,
    signals_applied = $3, signals_stale = $4, signals_failed = $5, error_reason = NULL, error_message = NULL, error_at = NULL
  WHERE event_id = $1
)
INSERT INTO processing_attempt (event_id, attempt, run_id, finished_at, result, outcome)
VALUES ($1, $6, $7, now(), 'ok', $2)`,
    values: [eventId, applied.outcome, applied.applied, applied.stale, applied.failed, run.attempt + 1, run.runId],
  });
  await recordProcessed(db, { eventId, receivedAt: row.received_at, plan, outcome: applied.outcome });
  metrics().processingLag.observe((Date.now() - row.received_at.getTime()) / 1000);
  return { result: applied, ...context };
}

type Applied =
  | { status: "PROCESSED"; outcome: ProcessOutcome; applied: number; stale: number; failed: number }
  | { status: "DEAD_LETTERED"; reason: string; message: string };

async function applyPlan(db: pg.PoolClient, eventId: string, row: StoredEventRow, plan: Exclude<Plan, StatePlan>): Promise<Applied> {
  switch (plan.action) {
    case "ignore":
      return { status: "PROCESSED", outcome: plan.outcome, applied: 0, stale: 0, failed: 0 };
    case "dead_letter":
      return { status: "DEAD_LETTERED", reason: plan.reason, message: plan.message };
    case "apply_errors": {
      const duplicate = await isDuplicateErrorReport(db, {
        vehicleId: plan.vehicleId,
        eventId,
        eventAt: plan.eventAt,
        windowSeconds: env().ERROR_DEDUP_WINDOW_SECONDS,
        conditions: plan.conditions,
      });
      if (duplicate) return { status: "PROCESSED", outcome: "DUPLICATE_ERROR", applied: 0, stale: 0, failed: 0 };
      await upsertVehicle(db, { vehicleId: plan.vehicleId, userId: plan.userId, vehicle: plan.vehicle, seenAt: row.received_at });
      await writeConditions(db, { vehicleId: plan.vehicleId, eventId, eventAt: plan.eventAt, conditions: plan.conditions });
      await writeSignals(db, plan.vehicleId, eventId, plan.unsupported);
      if (plan.conditions.some((c) => needsReauthType(c.type))) await refreshNeedsReauth(db, plan.vehicleId, plan.eventAt, REAUTH_TYPES);
      return { status: "PROCESSED", outcome: "APPLIED", applied: 0, stale: 0, failed: 0 };
    }
  }
}

async function deadLetter(db: pg.PoolClient, eventId: string, run: RunInfo, reason: string, message: string): Promise<ProcessResult> {
  await markDeadLettered(db, eventId, { reason, message, stack: null, attempt: run.attempt + 1, runId: run.runId, countsAsAttempt: true });
  return { status: "DEAD_LETTERED", reason };
}

export interface DeadLetterInfo {
  reason: string;
  message: string;
  stack: string | null;
  /** Attempt number to record; null = the event's attempt count. */
  attempt: number | null;
  runId: string | null;
  /** An immediate dead-letter is itself an attempt; onFailure after retries is not. */
  countsAsAttempt: boolean;
}

export async function markDeadLettered(db: pg.Pool | pg.PoolClient, eventId: string, info: DeadLetterInfo): Promise<boolean> {
  const result = await db.query({
    name: "mark-dead-lettered",
    text: `
WITH e AS (
  UPDATE event SET status = 'DEAD_LETTERED', outcome = NULL, error_reason = $2, error_message = $3, error_at = now(),
    attempts = attempts + CASE WHEN $7 THEN 1 ELSE 0 END
  WHERE event_id = $1 AND status IN ('PENDING', 'PROCESSING')
  RETURNING event_id, attempts
)
INSERT INTO processing_attempt (event_id, attempt, run_id, finished_at, result, error, stack)
SELECT event_id, coalesce($4, attempts), $5, now(), 'dead_lettered', $3, $6 FROM e
RETURNING event_id`,
    values: [eventId, info.reason, info.message, info.attempt, info.runId, info.stack, info.countsAsAttempt],
  });
  const changed = (result.rowCount ?? 0) > 0;
  if (changed) {
    await recordDeadLettered(db, info.reason);
    metrics().deadLetters.inc();
    logger.warn({ eventId, reason: info.reason, attempt: info.attempt }, "event.dead_lettered");
  }
  return changed;
}

async function recordFailedAttempt(eventId: string, run: RunInfo, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  const stack = error instanceof Error ? (error.stack ?? null) : null;
  await pool().query({
    name: "record-failed-attempt",
    text: `
WITH e AS (
  UPDATE event SET status = 'PROCESSING', attempts = attempts + 1, error_reason = 'PROCESSING_ERROR', error_message = $3, error_at = now()
  WHERE event_id = $1 AND status IN ('PENDING', 'PROCESSING')
  RETURNING event_id
)
INSERT INTO processing_attempt (event_id, attempt, run_id, finished_at, result, error, stack)
SELECT event_id, $2, $4, now(), 'error', $3, $5 FROM e`,
    values: [eventId, run.attempt + 1, message.slice(0, 4000), run.runId, stack?.slice(0, 16000) ?? null],
  });
}

function report(eventId: string, result: ProcessResult, context: { eventType: string | null; vehicleId: string | null }): void {
  if (result.status === "PROCESSED") {
    metrics().eventsProcessed.inc({ outcome: result.outcome });
    logger.info({ eventId, ...context, outcome: result.outcome, applied: result.applied, stale: result.stale, failed: result.failed }, "processing.completed");
  } else if (result.status === "SKIPPED") {
    logger.info({ eventId, ...context, why: result.why }, "processing.skipped");
  }
}
