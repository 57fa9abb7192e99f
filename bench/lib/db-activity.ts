// What one delivery costs the database: transactions committed and WAL flushes. With
// synchronous_commit on, every commit waits for a WAL flush (several commits can share one), so
// commits per delivery is the receiver's main lever against the ceilings.
import pg from "pg";
import { setTimeout as delay } from "node:timers/promises";
import { round } from "./stats";

export interface DbCounters {
  /** Transactions committed in the database. */
  commits: number;
  /** WAL fsyncs of the whole cluster (pg_stat_io): commits waiting for durability, grouped. */
  walFsyncs: number;
  walBytes: number;
}

export interface DbCostPerDelivery {
  commits: number;
  walFsyncs: number;
  walKb: number;
}

// A busy backend publishes its statistics at most once a second; one that then goes idle with
// some still pending publishes them up to 10 s later (PGSTAT_IDLE_INTERVAL). Pools keep their
// connections open, so a run's last second only shows up after that.
export const STATS_SETTLE_MS = 11_000;

/** The counters now; pass `settleMs` when sessions that just worked are still open. */
export async function dbCounters(client: pg.Client, database: string, settleMs = 0): Promise<DbCounters> {
  await delay(settleMs);
  const { rows } = await client.query<{ commits: string; fsyncs: string; bytes: string }>(
    `SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = $1) AS commits,
            (SELECT coalesce(sum(fsyncs), 0) FROM pg_stat_io WHERE object = 'wal') AS fsyncs,
            (SELECT wal_bytes FROM pg_stat_wal) AS bytes`,
    [database],
  );
  const row = rows[0];
  return { commits: Number(row?.commits ?? 0), walFsyncs: Number(row?.fsyncs ?? 0), walBytes: Number(row?.bytes ?? 0) };
}

export function costPerDelivery(start: DbCounters, end: DbCounters, deliveries: number): DbCostPerDelivery {
  const per = (value: number, digits: number) => (deliveries > 0 ? round(value / deliveries, digits) : 0);
  return {
    commits: per(end.commits - start.commits, 2),
    walFsyncs: per(end.walFsyncs - start.walFsyncs, 2),
    walKb: per((end.walBytes - start.walBytes) / 1024, 1),
  };
}

/** Seconds an autovacuum worker was seen on each task ("<database>: VACUUM public.x"). */
export type AutovacuumSeen = Record<string, number>;

/**
 * Runs `fn` while sampling the cluster's autovacuum workers every `everyMs` on a session of its
 * own. Autovacuum starts on its own timer once a phase has written enough: a vacuum of a table
 * the earlier phases filled lands in whichever run comes next and takes a core from it.
 */
export async function withAutovacuumSampled<T>(url: string, fn: () => Promise<T>, everyMs = 500): Promise<{ result: T; autovacuum: AutovacuumSeen }> {
  const client = new pg.Client({ connectionString: url, application_name: "smartcar-bench-autovacuum" });
  await client.connect();
  const seen: AutovacuumSeen = {};
  let running = true;
  const sampling = (async () => {
    while (running) {
      const { rows } = await client.query<{ task: string }>(
        "SELECT datname || ': ' || regexp_replace(query, '^autovacuum: ', '') AS task FROM pg_stat_activity WHERE backend_type = 'autovacuum worker' AND query <> ''",
      );
      for (const { task } of rows) seen[task] = round((seen[task] ?? 0) + everyMs / 1000, 1);
      await delay(everyMs);
    }
  })();
  try {
    // The caller gets `seen` only after the finally below has stopped the sampling.
    return { result: await fn(), autovacuum: seen };
  } finally {
    running = false;
    await sampling.catch(() => undefined);
    await client.end();
  }
}

/** "autovacuum: none", or each task seen with its sampled seconds, longest first. */
export function describeAutovacuum(seen: AutovacuumSeen): string {
  const tasks = Object.entries(seen).sort(([, a], [, b]) => b - a);
  return `autovacuum: ${tasks.length === 0 ? "none" : tasks.map(([task, seconds]) => `${task} ${seconds} s`).join(", ")}`;
}
