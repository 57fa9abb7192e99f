import type pg from "pg";
import { z } from "zod";
import type { FailureHandlers } from "./functions";
import { ASYNC_COMMIT, insertFailureRuns, nowPlusMs } from "./sql";

// A claimed run is leased: the holder renews the lease while it drives the run, and a run whose
// lease ran out belongs to a process that died (or stalled) mid-run.

const HEARTBEAT_SQL = `
  UPDATE executor_run r SET lease_until = ${nowPlusMs("$2")}
  FROM ${ASYNC_COMMIT}
  WHERE r.run_id = ANY($1::uuid[]) AND r.status = 'RUNNING'`;

export async function renewLeases(pool: pg.Pool, runIds: string[], leaseMs: number): Promise<void> {
  if (runIds.length === 0) return;
  await pool.query({ name: "executor-renew-leases", text: HEARTBEAT_SQL, values: [runIds, leaseMs] });
}

/** Hands runs back to the queue without counting an attempt (this process is stopping). */
export async function releaseRuns(pool: pg.Pool, runIds: string[]): Promise<void> {
  if (runIds.length === 0) return;
  await pool.query({
    name: "executor-release",
    text: "UPDATE executor_run SET status = 'QUEUED', lease_until = NULL, run_after = now() WHERE run_id = ANY($1::uuid[]) AND status = 'RUNNING'",
    values: [runIds],
  });
}

// The dead attempt counts: a run that kills its process every time must end, not loop. When it
// was the last attempt the run fails and its onFailure handler is started, in the same statement.
// `victims` picks the runs ($1 = how many at most); `cause` says what happened to their attempt.
function reclaimSql(victims: string, cause: string): string {
  const lastError = `'${cause} during attempt ' || (r.attempt + 1) || ': the executor process stopped mid-run'`;
  return `
  WITH lost AS (${victims}), requeued AS (
    UPDATE executor_run r
    SET status = 'QUEUED', attempt = r.attempt + 1, run_after = now(), lease_until = NULL,
        last_error = ${lastError}
    FROM lost e
    WHERE r.run_id = e.run_id AND r.attempt + 1 < r.max_attempts
    RETURNING r.run_id
  ), failed AS (
    UPDATE executor_run r
    SET status = 'FAILED', finished_at = now(), lease_until = NULL,
        last_error = ${lastError}
    FROM lost e
    WHERE r.run_id = e.run_id AND r.attempt + 1 >= r.max_attempts
    RETURNING r.run_id, r.fn_id, r.event, r.last_error
  ), failure_runs AS (${insertFailureRuns(["$2", "$3", "$4"], "jsonb_build_object('name', 'Error', 'message', f.last_error)")})
  SELECT (SELECT count(*) FROM requeued)::int AS requeued, (SELECT count(*) FROM failed)::int AS failed`;
}

const RECLAIM_EXPIRED_SQL = reclaimSql(
  `SELECT run_id FROM executor_run
   WHERE status = 'RUNNING' AND lease_until < now()
   ORDER BY lease_until
   LIMIT $1
   FOR UPDATE SKIP LOCKED`,
  "Lease expired",
);

// A run is only ever RUNNING under the owner that claimed it last: one that was reclaimed by
// expiry meanwhile and claimed by a live executor carries that executor's id and is left alone.
const RECLAIM_OF_DEAD_SQL = reclaimSql(
  `SELECT run_id FROM executor_run
   WHERE status = 'RUNNING' AND lease_owner = ANY($5::text[])
   LIMIT $1
   FOR UPDATE SKIP LOCKED`,
  "Executor process died",
);

const reclaimResultSchema = z.object({ requeued: z.number().int(), failed: z.number().int() });
export type ReclaimResult = z.infer<typeof reclaimResultSchema>;

/** Takes back runs whose lease ran out: their holder died or stalled. */
export async function reclaimExpiredLeases(pool: pg.Pool, handlers: FailureHandlers, batch: number): Promise<ReclaimResult> {
  const result = await pool.query({
    name: "executor-reclaim",
    text: RECLAIM_EXPIRED_SQL,
    values: [batch, handlers.fnIds, handlers.handlerIds, handlers.maxAttempts],
  });
  return reclaimResultSchema.parse(result.rows[0]);
}

/**
 * Takes back, without waiting for their leases, every run held by executor processes known to be
 * dead (the launcher saw them exit). A statement the dead process left running in its database
 * session may still finish meanwhile: processing is idempotent on eventId, so the second attempt
 * then finds the event final and changes nothing.
 */
export async function reclaimRunsOfDeadOwners(pool: pg.Pool, handlers: FailureHandlers, owners: string[], batch: number): Promise<ReclaimResult> {
  const total: ReclaimResult = { requeued: 0, failed: 0 };
  if (owners.length === 0) return total;
  for (;;) {
    const result = await pool.query({
      name: "executor-reclaim-dead",
      text: RECLAIM_OF_DEAD_SQL,
      values: [batch, handlers.fnIds, handlers.handlerIds, handlers.maxAttempts, owners],
    });
    const round = reclaimResultSchema.parse(result.rows[0]);
    total.requeued += round.requeued;
    total.failed += round.failed;
    if (round.requeued + round.failed < batch) return total;
  }
}
