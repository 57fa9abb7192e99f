import type pg from "pg";
import { z } from "zod";
import { storedStepsSchema, type StepEntry } from "./protocol";
import { ASYNC_COMMIT, nowPlusMs } from "./sql";

export interface ClaimedRun {
  runId: string;
  fnId: string;
  event: Record<string, unknown>;
  attempt: number;
  maxAttempts: number;
  steps: StepEntry[];
}

export interface ClaimRequest {
  /** Most runs to take. */
  limit: number;
  /** Oldest runnable rows looked at; bounds the claim's cost whatever the queue's length. */
  scan: number;
  leaseMs: number;
  /** This executor process's id, stored as the runs' lease owner. */
  owner: string;
  /** Concurrency limits by function id (parallel arrays). */
  limitedFnIds: string[];
  limits: number[];
}

// One round trip. The scan reads the oldest runnable rows through the (status, run_after) index
// and skips rows another claimer holds. The concurrency limit is checked per candidate by index
// probes on (concurrency_key, status) — one per status, each confined to the key: an OR of the two
// became a bitmap scan of every RUNNING entry in the (status, lease_until) index, dead ones of
// finished runs included until vacuum, and the claim slowed as history grew. A candidate is taken
// only if the RUNNING runs of its key plus the runnable QUEUED runs ahead of it stay under the
// limit. Counting the ones ahead is what makes concurrent claimers safe without a lock: every
// claimer takes a key's runs from the front, so in any snapshot a run another claimer took is
// either still QUEUED ahead of ours or already RUNNING — counted either way. The scan's order
// must be that same (run_after, run_id) order: a batch enqueued in one statement shares one
// run_after, and a scan that broke the tie any other way could fill up with runs that each have
// an earlier sibling outside the scan, and claim nothing, for ever.
const CLAIM_SQL = `
  WITH candidate AS (
    SELECT run_id, fn_id, concurrency_key, run_after
    FROM executor_run
    WHERE status = 'QUEUED' AND run_after <= now()
    ORDER BY run_after, run_id
    LIMIT $2
    FOR UPDATE SKIP LOCKED
  ), claimable AS (
    SELECT c.run_id
    FROM candidate c
    LEFT JOIN unnest($3::text[], $4::int[]) AS l(fn_id, max_running) ON l.fn_id = c.fn_id
    WHERE c.concurrency_key IS NULL OR l.max_running IS NULL OR (
      SELECT count(*) FROM (
        (SELECT 1 FROM executor_run o WHERE o.concurrency_key = c.concurrency_key AND o.status = 'RUNNING')
        UNION ALL
        (SELECT 1 FROM executor_run o
         WHERE o.concurrency_key = c.concurrency_key AND o.status = 'QUEUED' AND o.run_after <= now()
           AND (o.run_after, o.run_id) < (c.run_after, c.run_id))
        LIMIT l.max_running
      ) AS ahead
    ) < l.max_running
    ORDER BY c.run_after, c.run_id
    LIMIT $1
  )
  UPDATE executor_run r
  SET status = 'RUNNING', lease_until = ${nowPlusMs("$5")}, lease_owner = $6
  FROM claimable, ${ASYNC_COMMIT}
  WHERE r.run_id = claimable.run_id
  RETURNING r.run_id, r.fn_id, r.event, r.attempt, r.max_attempts, r.steps`;

const claimedRowSchema = z.object({
  run_id: z.string(),
  fn_id: z.string(),
  event: z.record(z.string(), z.unknown()),
  attempt: z.number().int(),
  max_attempts: z.number().int(),
  steps: storedStepsSchema,
});

export async function claimRuns(pool: pg.Pool, request: ClaimRequest): Promise<ClaimedRun[]> {
  const result = await pool.query({
    name: "executor-claim",
    text: CLAIM_SQL,
    values: [request.limit, request.scan, request.limitedFnIds, request.limits, request.leaseMs, request.owner],
  });
  return result.rows.map((row: unknown) => {
    const r = claimedRowSchema.parse(row);
    return { runId: r.run_id, fnId: r.fn_id, event: r.event, attempt: r.attempt, maxAttempts: r.max_attempts, steps: r.steps };
  });
}
