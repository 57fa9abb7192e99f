// Fragments shared by the executor's statements.

/**
 * Joined into a bookkeeping statement, commits it without waiting for the WAL flush (the
 * statement is its own transaction, so SET LOCAL lasts exactly until its commit). Acceptable for
 * run state only: a commit lost in a crash replays an idempotent step or call, and the lease
 * brings the run back. Never for the receiver's event insert.
 */
export const ASYNC_COMMIT = "(SELECT set_config('synchronous_commit', 'off', true)) AS async_commit";

/** `now() + $n milliseconds`. */
export const nowPlusMs = (param: string) => `now() + make_interval(secs => ${param}::double precision / 1000)`;

/**
 * Starts the onFailure run of each row of the CTE `failed` (run_id, fn_id, event) whose function
 * has a handler, carrying `error` the way Inngest's `inngest/function.failed` event does. Its
 * event_key `<handler id>:<run id>` makes a repeat a no-op, so a failure is reported once.
 * `handlers` are three parameters: function ids, handler ids, handler max attempts.
 */
export function insertFailureRuns(handlers: [string, string, string], error: string): string {
  const [fnIds, handlerIds, maxAttempts] = handlers;
  return `
    INSERT INTO executor_run (run_id, event_key, fn_id, event, max_attempts, steps)
    SELECT gen_random_uuid(), h.handler_id || ':' || f.run_id::text, h.handler_id,
           jsonb_build_object(
             'id', h.handler_id || ':' || f.run_id::text,
             'name', 'inngest/function.failed',
             'ts', floor(extract(epoch FROM now()) * 1000)::bigint,
             'data', jsonb_build_object('function_id', f.fn_id, 'run_id', f.run_id, 'error', ${error}, 'event', f.event)),
           h.max_attempts, '[]'::jsonb
    FROM failed f
    JOIN unnest(${fnIds}::text[], ${handlerIds}::text[], ${maxAttempts}::int[]) AS h(fn_id, handler_id, max_attempts)
      ON h.fn_id = f.fn_id
    ON CONFLICT (event_key) DO NOTHING`;
}
