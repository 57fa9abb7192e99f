// Holds the embedded executor's new runs back while the receiver is measured on its own, then
// lets them go. Done in the benchmark's database (a trigger parks new runs at run_after =
// 'infinity', which the executor's claim never reaches), so the product runs unchanged: the
// receiver still enqueues every run, exactly as in production; only the processing CPU that would
// compete with it on this 2-core box is deferred.
import type pg from "pg";

export async function holdProcessing(client: pg.Client): Promise<void> {
  await client.query(`
CREATE OR REPLACE FUNCTION bench_hold_run() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.run_after := 'infinity';
  RETURN NEW;
END $$`);
  await client.query("CREATE OR REPLACE TRIGGER bench_hold_runs BEFORE INSERT ON executor_run FOR EACH ROW EXECUTE FUNCTION bench_hold_run()");
}

/**
 * Drops the hold and puts every parked run back at the time it was enqueued, so the executor
 * meets them in the order and with the timestamps it would have had (one release time for all
 * of them would tie every run_after — see bench/README.md on the claim's tie-break). Returns how
 * many, and when (epoch ms, the database's clock).
 */
export async function releaseProcessing(client: pg.Client): Promise<{ runs: number; at: number }> {
  await client.query("DROP TRIGGER IF EXISTS bench_hold_runs ON executor_run");
  const { rows } = await client.query<{ runs: number; at: number }>(`
WITH released AS (UPDATE executor_run SET run_after = created_at WHERE status = 'QUEUED' AND run_after = 'infinity' RETURNING 1)
SELECT count(*)::int AS runs, extract(epoch FROM now()) * 1000 AS at FROM released`);
  return { runs: rows[0]?.runs ?? 0, at: Number(rows[0]?.at) };
}
