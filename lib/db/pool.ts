import pg from "pg";
import { env } from "@/lib/config";

// One pool per process, shared by Prisma (through its adapter) and the hand-written SQL of the
// hot paths. Kept on globalThis because Next may load this module in more than one bundle.
const globalForPool = globalThis as unknown as { smartcarPool?: pg.Pool };

export function databaseUrl(): string {
  const url = env().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start the app with `npm start`, which provides the embedded database.");
  return url;
}

export function pool(): pg.Pool {
  if (!globalForPool.smartcarPool) {
    const created = new pg.Pool({
      connectionString: databaseUrl(),
      max: 10,
      // Fail fast when the database is down so the receiver can answer 503 inside Smartcar's window.
      connectionTimeoutMillis: 2_000,
      idleTimeoutMillis: 30_000,
      // Which process a session serves, in pg_stat_activity.
      application_name: env().SMARTCAR_PROCESS_ROLE === "worker" ? "smartcar-monitor-worker" : "smartcar-monitor",
    });
    // An idle client losing its connection must not crash the process.
    created.on("error", () => undefined);
    globalForPool.smartcarPool = created;
  }
  return globalForPool.smartcarPool;
}

export async function closePool(): Promise<void> {
  const current = globalForPool.smartcarPool;
  globalForPool.smartcarPool = undefined;
  await current?.end();
}

/**
 * closePool(), waiting at most `ms`: idle connections close at once, but a query still running
 * (a run handed back by a stop) would hold end() until it returns; the exit that follows drops it
 * and Postgres rolls its transaction back.
 */
export function closePoolWithin(ms: number): Promise<void> {
  return Promise.race([closePool(), new Promise<void>((resolve) => setTimeout(resolve, ms).unref())]);
}
