import type pg from "pg";
import type { FailureHandlers } from "./functions";
import type { JsonError, StepEntry } from "./protocol";
import { ASYNC_COMMIT, insertFailureRuns, nowPlusMs } from "./sql";

// What the holder of a run writes as it drives it. Every statement is guarded by
// `status = 'RUNNING'`, so a write for a run that is no longer this holder's (released on stop,
// or reclaimed after a stall) changes nothing.

/** False when the run is no longer this holder's: it must stop driving it. */
export async function memoiseSteps(pool: pg.Pool, runId: string, steps: StepEntry[]): Promise<boolean> {
  const result = await pool.query({
    name: "executor-memoise",
    text: `UPDATE executor_run r SET steps = $2::jsonb, attempt = 0 FROM ${ASYNC_COMMIT} WHERE r.run_id = $1 AND r.status = 'RUNNING'`,
    values: [runId, JSON.stringify(steps)],
  });
  return result.rowCount === 1;
}

export async function finishRuns(pool: pg.Pool, runIds: string[]): Promise<void> {
  await pool.query({
    name: "executor-finish",
    text: `UPDATE executor_run r SET status = 'DONE', finished_at = now(), lease_until = NULL, last_error = NULL
           FROM ${ASYNC_COMMIT} WHERE r.run_id = ANY($1::uuid[]) AND r.status = 'RUNNING'`,
    values: [runIds],
  });
}

export interface Requeue {
  steps: StepEntry[];
  attempt: number;
  delayMs: number;
  lastError: string | null;
}

/** Back to the queue: a retry after backoff, a sleep, or a hand-back on stop. */
export async function requeueRun(pool: pg.Pool, runId: string, requeue: Requeue): Promise<void> {
  await pool.query({
    name: "executor-requeue",
    text: `UPDATE executor_run r
           SET status = 'QUEUED', lease_until = NULL, steps = $2::jsonb, attempt = $3, run_after = ${nowPlusMs("$4")}, last_error = $5
           FROM ${ASYNC_COMMIT} WHERE r.run_id = $1 AND r.status = 'RUNNING'`,
    values: [runId, JSON.stringify(requeue.steps), requeue.attempt, requeue.delayMs, requeue.lastError],
  });
}

const FAIL_SQL = `
  WITH failed AS (
    UPDATE executor_run r
    SET status = 'FAILED', finished_at = now(), lease_until = NULL, steps = $2::jsonb, last_error = $3
    FROM ${ASYNC_COMMIT}
    WHERE r.run_id = $1 AND r.status = 'RUNNING'
    RETURNING r.run_id, r.fn_id, r.event
  )
  ${insertFailureRuns(["$5", "$6", "$7"], "$4::jsonb")}`;

/** Fails the run for good and, in the same statement, starts its onFailure handler. */
export async function failRun(
  pool: pg.Pool,
  runId: string,
  steps: StepEntry[],
  error: JsonError,
  handlers: FailureHandlers,
): Promise<void> {
  await pool.query({
    name: "executor-fail",
    text: FAIL_SQL,
    values: [
      runId,
      JSON.stringify(steps),
      `${error.name}: ${error.message}`,
      JSON.stringify(error),
      handlers.fnIds,
      handlers.handlerIds,
      handlers.maxAttempts,
    ],
  });
}
