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
const RECLAIM_SQL = `
  WITH expired AS (
    SELECT run_id FROM executor_run
    WHERE status = 'RUNNING' AND lease_until < now()
    ORDER BY lease_until
    LIMIT $1
    FOR UPDATE SKIP LOCKED
  ), requeued AS (
    UPDATE executor_run r
    SET status = 'QUEUED', attempt = r.attempt + 1, run_after = now(), lease_until = NULL,
        last_error = 'Lease expired during attempt ' || (r.attempt + 1) || ': the executor process stopped mid-run'
    FROM expired e
    WHERE r.run_id = e.run_id AND r.attempt + 1 < r.max_attempts
    RETURNING r.run_id
  ), failed AS (
    UPDATE executor_run r
    SET status = 'FAILED', finished_at = now(), lease_until = NULL,
        last_error = 'Lease expired during attempt ' || (r.attempt + 1) || ': the executor process stopped mid-run'
    FROM expired e
    WHERE r.run_id = e.run_id AND r.attempt + 1 >= r.max_attempts
    RETURNING r.run_id, r.fn_id, r.event, r.last_error
  ), failure_runs AS (${insertFailureRuns(["$2", "$3", "$4"], "jsonb_build_object('name', 'Error', 'message', f.last_error)")})
  SELECT (SELECT count(*) FROM requeued)::int AS requeued, (SELECT count(*) FROM failed)::int AS failed`;

const reclaimResultSchema = z.object({ requeued: z.number().int(), failed: z.number().int() });

export async function reclaimExpiredLeases(
  pool: pg.Pool,
  handlers: FailureHandlers,
  batch: number,
): Promise<z.infer<typeof reclaimResultSchema>> {
  const result = await pool.query({
    name: "executor-reclaim",
    text: RECLAIM_SQL,
    values: [batch, handlers.fnIds, handlers.handlerIds, handlers.maxAttempts],
  });
  return reclaimResultSchema.parse(result.rows[0]);
}
