import pg from "pg";
import type { ExecutorLogger } from "@/inngest/embedded/executor";
import { createTestDatabase } from "@/test/helpers/test-database";
import { waitFor } from "@/test/helpers/wait-for";

export interface ExecutorDatabase {
  pool: pg.Pool;
  /** A second pool on the same database, standing in for another process. */
  newPool(): pg.Pool;
  drop(): Promise<void>;
}

/** A fresh migrated database for one test file, with pools that drop() closes. */
export async function createExecutorDatabase(): Promise<ExecutorDatabase> {
  const database = await createTestDatabase("executor_test");
  const pools: pg.Pool[] = [];
  const newPool = () => {
    const created = new pg.Pool({ connectionString: database.url, max: 10 });
    // As the app's pool: an idle connection dropping must not crash the test process.
    created.on("error", () => undefined);
    pools.push(created);
    return created;
  };
  return {
    pool: newPool(),
    newPool,
    drop: async () => {
      await Promise.all(pools.map((p) => p.end()));
      await database.drop();
    },
  };
}

export interface RunRow {
  run_id: string;
  event_key: string;
  fn_id: string;
  status: string;
  attempt: number;
  max_attempts: number;
  concurrency_key: string | null;
  event: { id?: string; name: string; data: Record<string, unknown>; ts?: number };
  steps: unknown;
  last_error: string | null;
  lease_until: Date | null;
  lease_owner: string | null;
  run_after: Date;
}

export async function runs(pool: pg.Pool, where = "TRUE", values: unknown[] = []): Promise<RunRow[]> {
  const result = await pool.query<RunRow>(`SELECT * FROM executor_run WHERE ${where} ORDER BY created_at, run_id`, values);
  return result.rows;
}

/** Resolves with the rows once every run of `fnId` is DONE or FAILED (and at least `count` exist). */
export function settledRuns(pool: pg.Pool, fnId: string, count: number, timeoutMs = 20_000): Promise<RunRow[]> {
  return waitFor(
    async () => {
      const rows = await runs(pool, "fn_id = $1", [fnId]);
      return rows.length >= count && rows.every((r) => r.status === "DONE" || r.status === "FAILED") ? rows : undefined;
    },
    { what: `${count} settled runs of ${fnId}`, timeoutMs, intervalMs: 10 },
  );
}

/** Silent, except that errors (which no test expects) are printed. */
export const quietLogger: ExecutorLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (obj: object, msg: string) => console.error(msg, obj),
};
