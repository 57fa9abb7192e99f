import type pg from "pg";
import { concurrencyKey, functionsFor, type FunctionSpec, type FunctionTable } from "./functions";
import { registeredFunctionTable, wakeEmbeddedExecutor } from "./registry";

export interface ExecutorEvent {
  /** Inngest event id: a repeat starts no second run, as Inngest drops a repeated id. */
  id: string;
  name: string;
  data: unknown;
  /** Epoch ms; defaults to now. */
  ts?: number;
}

export type Queryable = pg.Pool | pg.PoolClient;

export interface RunRow {
  eventKey: string;
  fnId: string;
  event: Record<string, unknown>;
  concurrencyKey: string | null;
  maxAttempts: number;
}

/**
 * One statement for any number of runs (`rowsParam` holds `serialiseRows` output); the unique
 * event_key makes a repeated event a no-op. run_id is generated here because Prisma's
 * @default(uuid()) exists only in its client.
 */
export function insertRunsSql(rowsParam: string, condition = "TRUE"): string {
  return `
    INSERT INTO executor_run (run_id, event_key, fn_id, event, concurrency_key, max_attempts, steps)
    SELECT gen_random_uuid(), r.event_key, r.fn_id, r.event, r.concurrency_key, r.max_attempts, '[]'::jsonb
    FROM jsonb_to_recordset(${rowsParam}::jsonb) AS r(event_key text, fn_id text, event jsonb, concurrency_key text, max_attempts int)
    WHERE ${condition}
    ON CONFLICT (event_key) DO NOTHING`;
}

const INSERT_RUNS_SQL = insertRunsSql("$1");

export function runRow(fn: FunctionSpec, event: Record<string, unknown> & { data: unknown }, eventKey: string): RunRow {
  return { eventKey, fnId: fn.id, event, concurrencyKey: concurrencyKey(fn, event), maxAttempts: fn.maxAttempts };
}

export function runRowsFor(table: FunctionTable, events: ExecutorEvent[], now = Date.now()): RunRow[] {
  return events.flatMap((e) => {
    const event = { id: e.id, name: e.name, data: e.data ?? {}, ts: e.ts ?? now };
    return functionsFor(table, e.name).map((fn) => runRow(fn, event, `${fn.id}:${e.id}`));
  });
}

export function serialiseRows(rows: RunRow[]): string {
  return JSON.stringify(
    rows.map((r) => ({
      event_key: r.eventKey,
      fn_id: r.fnId,
      event: r.event,
      concurrency_key: r.concurrencyKey,
      max_attempts: r.maxAttempts,
    })),
  );
}

/**
 * Queues a run of every function whose trigger matches each event (the embedded executor's
 * `inngest.send()`). Returns how many runs were created; repeats of an event id create none.
 * Inside a transaction, call `wakeEmbeddedExecutor()` after COMMIT for an immediate start.
 */
export async function enqueueRuns(db: Queryable, events: ExecutorEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const rows = runRowsFor(await registeredFunctionTable(), events);
  if (rows.length === 0) return 0;
  const result = await db.query({ name: "executor-enqueue", text: INSERT_RUNS_SQL, values: [serialiseRows(rows)] });
  wakeEmbeddedExecutor();
  return result.rowCount ?? 0;
}
