import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { descendants, processName, workerPidsUnder } from "@/bench/lib/processes";
import { startApp, type RunningApp } from "../../helpers/app";
import { useAppWithDatabase } from "../../helpers/app-with-database";
import { testPool } from "../../helpers/db-client";
import { vehicleState } from "../../helpers/events";
import { postWebhook } from "../../helpers/smartcar";
import { startStoppablePostgres } from "../../helpers/stoppable-postgres";
import { waitFor } from "../../helpers/wait-for";
import type pg from "pg";

// npm start runs the embedded executor in worker processes (EXECUTOR_WORKERS, default 1) beside
// the server, which then only receives and enqueues; EXECUTOR_WORKERS=0 keeps it in the server.

const METRICS_TOKEN = "workers-metrics-token";

const workerPids = (app: RunningApp) => workerPidsUnder(app.pid);
const serverPids = (app: RunningApp) => descendants(app.pid).filter((pid) => processName(pid).startsWith("next-server"));

/** Field 19 of /proc/<pid>/stat. */
const niceness = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ")[16]);

async function deliverAndProcess(app: RunningApp, db: pg.Pool, vehicleId = `w${randomUUID().slice(0, 8)}`): Promise<string> {
  const body = vehicleState(vehicleId, [{ code: "tractionbattery-stateofcharge", value: 55, unit: "percent", oemUpdatedAt: Date.now() }]);
  const res = await postWebhook(app.url, body);
  expect(res.status).toBe(200);
  const { eventId } = (await res.json()) as { eventId: string };
  await waitFor(
    async () => {
      const { rows } = await db.query<{ status: string }>("SELECT status FROM event WHERE event_id = $1", [eventId]);
      return rows[0]?.status === "PROCESSED" ? true : undefined;
    },
    { timeoutMs: 20_000, what: `event ${eventId} to be PROCESSED` },
  );
  return eventId;
}

async function processedCount(app: RunningApp): Promise<number> {
  const res = await fetch(`${app.url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  const text = await res.text();
  const line = text.split("\n").find((l) => l.startsWith('smartcar_events_processed_total{outcome="APPLIED"}'));
  return line ? Number(line.split(" ")[1]) : 0;
}

/** `executor.workers` of the deep health check. */
async function healthWorkers(app: RunningApp): Promise<{ configured: number; answering: number } | undefined> {
  const res = await fetch(`${app.url}/api/health?deep=1`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { executor?: { workers?: { configured: number; answering: number } } }).executor?.workers;
}

describe("executor workers (default: one)", () => {
  const suite = useAppWithDatabase({ env: { METRICS_TOKEN } });

  it("processes in a worker process, and the server's /api/metrics includes what the worker counted", { timeout: 60_000 }, async () => {
    await deliverAndProcess(suite.app, suite.db);
    expect(serverPids(suite.app)).toHaveLength(1);
    expect(workerPids(suite.app)).toHaveLength(1);
    // WORKER_MAX_HEAP_MB's default caps the worker's old space (next-server rewrites its own command line).
    const worker = workerPids(suite.app)[0] as number;
    expect(processName(worker)).toContain("--max-old-space-size=128");
    // Receiving comes first under CPU contention: the worker runs at a lower priority (nice 10).
    expect(niceness(worker)).toBe(10);
    expect(niceness(serverPids(suite.app)[0] as number)).toBe(niceness(process.pid));
    const output = suite.app.output();
    expect(output).toContain('"msg":"executor.in_workers"');
    expect(output).toMatch(/"worker":1,.*"msg":"executor.started"/);
    // Processing counters live in the worker; the scrape still sees them.
    await waitFor(async () => ((await processedCount(suite.app)) >= 1 ? true : undefined), { timeoutMs: 10_000, what: "the processed counter" });
    // Database gauges are counted once, by the server, not once more per worker.
    const text = await (await fetch(`${suite.app.url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(text.split("\n").filter((l) => l.startsWith("smartcar_backlog_events "))).toEqual(["smartcar_backlog_events 0"]);
    expect(await healthWorkers(suite.app)).toEqual({ configured: 1, answering: 1 });
  });

  it("queues a new event's run in the statement that stores it: the event is born dispatched", { timeout: 60_000 }, async () => {
    const eventId = await deliverAndProcess(suite.app, suite.db);
    const { rows } = await suite.db.query<{ same: boolean; runs: number }>(
      "SELECT dispatched_at = received_at AS same, (SELECT count(*)::int FROM executor_run WHERE event->'data'->>'eventId' = $1) AS runs FROM event WHERE event_id = $1",
      [eventId],
    );
    // now() is the statement's transaction time: one statement stored the event and queued its run.
    expect(rows).toEqual([{ same: true, runs: 1 }]);
  });

  it("starts a worker again when it dies, and processing goes on", { timeout: 60_000 }, async () => {
    const [first] = workerPids(suite.app);
    expect(first).toBeDefined();
    process.kill(first as number, "SIGKILL");
    // The launcher waits a second before the restart: meanwhile the deep health check shows it.
    await waitFor(async () => ((await healthWorkers(suite.app))?.answering === 0 ? true : undefined), { timeoutMs: 5_000, what: "health to show no worker answering" });
    const restarted = await waitFor(
      async () => {
        const pids = workerPids(suite.app);
        return pids.length === 1 && pids[0] !== first ? pids[0] : undefined;
      },
      { timeoutMs: 20_000, what: "a new worker process" },
    );
    expect(restarted).not.toBe(first);
    expect(suite.app.output()).toMatch(/"worker":1,.*"signal":"SIGKILL".*"msg":"worker.exited"/);
    await deliverAndProcess(suite.app, suite.db);
    expect(await healthWorkers(suite.app)).toEqual({ configured: 1, answering: 1 });
  });
});

describe("a worker killed mid-run", () => {
  // Leases far longer than the test: only the hand-over from the dead worker can bring the run back.
  const suite = useAppWithDatabase({ env: { EXECUTOR_LEASE_MS: "600000" } });

  it("leaves its runs to the worker started in its place, which takes them back at once", { timeout: 60_000 }, async () => {
    const vehicleId = `k${randomUUID().slice(0, 8)}`;
    await deliverAndProcess(suite.app, suite.db, vehicleId);

    // Holding the vehicle's row stops the next event's apply statement half-way, in the worker.
    const lock = await suite.db.connect();
    try {
      await lock.query("BEGIN");
      await lock.query("SELECT 1 FROM vehicle WHERE vehicle_id = $1 FOR UPDATE", [vehicleId]);
      const second = await postWebhook(suite.app.url, vehicleState(vehicleId, [{ code: "tractionbattery-stateofcharge", value: 41, unit: "percent", oemUpdatedAt: Date.now() }]));
      expect(second.status).toBe(200);
      const eventId = ((await second.json()) as { eventId: string }).eventId;
      const runOf = async () =>
        (await suite.db.query<{ status: string; attempt: number; lease_owner: string | null }>("SELECT status, attempt, lease_owner FROM executor_run WHERE event->'data'->>'eventId' = $1", [eventId]))
          .rows[0];
      await waitFor(
        async () => {
          const { rowCount } = await suite.db.query("SELECT 1 FROM pg_stat_activity WHERE application_name = 'smartcar-monitor-worker' AND wait_event_type = 'Lock'");
          return rowCount !== null && rowCount >= 1 ? true : undefined;
        },
        { timeoutMs: 20_000, what: "the worker's apply statement to wait for the vehicle's row" },
      );
      const held = await runOf();
      expect(held).toMatchObject({ status: "RUNNING", attempt: 0 });
      expect(held?.lease_owner).toMatch(/^worker-1-/);

      const [dead] = workerPids(suite.app);
      process.kill(dead as number, "SIGKILL");
      const taken = await waitFor(
        async () => {
          // Requeued with the attempt counted, then claimed again (and held by the lock again).
          const run = await runOf();
          return run && run.attempt === 1 && run.status === "RUNNING" ? run : undefined;
        },
        { timeoutMs: 20_000, what: "the restarted worker to take the run back and claim it" },
      );
      expect(taken.lease_owner).not.toBe(held?.lease_owner);
      expect(suite.app.output()).toContain(`"deadOwners":["${held?.lease_owner}"],"msg":"executor.leases.reclaimed_from_dead_process"`);
      await lock.query("ROLLBACK");

      await waitFor(async () => ((await runOf())?.status === "DONE" ? true : undefined), { timeoutMs: 20_000, what: "the run to finish" });
      // Applied once, by whichever attempt got the row first: the event is final, its reading stored.
      const { rows } = await suite.db.query<{ status: string; reading_of: string }>(
        "SELECT e.status, s.event_id AS reading_of FROM event e, vehicle_signal s WHERE e.event_id = $1 AND s.vehicle_id = $2 AND s.code = 'tractionbattery-stateofcharge'",
        [eventId, vehicleId],
      );
      expect(rows).toEqual([{ status: "PROCESSED", reading_of: eventId }]);
    } finally {
      await lock.query("ROLLBACK").catch(() => undefined);
      lock.release();
    }
  });
});

describe("EXECUTOR_WORKERS=0", () => {
  const suite = useAppWithDatabase({ env: { EXECUTOR_WORKERS: "0", METRICS_TOKEN } });

  it("runs the executor inside the server process", { timeout: 60_000 }, async () => {
    await deliverAndProcess(suite.app, suite.db);
    expect(workerPids(suite.app)).toEqual([]);
    expect(suite.app.output()).not.toContain("executor.in_workers");
    expect(await processedCount(suite.app)).toBe(1);
    expect(await healthWorkers(suite.app)).toBeUndefined();
  });
});

describe("a worker started while the database is down", () => {
  it("waits for the database in its own process, then starts and processes", { timeout: 90_000 }, async () => {
    const pgServer = await startStoppablePostgres();
    const app = await startApp({ databaseUrl: pgServer.url });
    const db = testPool(pgServer.url);
    const started = () => app.output().split("\n").filter((line) => line.includes('"msg":"worker.started"')).length;
    try {
      // startApp returns once the executor has started; the worker logs worker.started just after.
      await waitFor(() => (started() === 1 ? true : undefined), { timeoutMs: 10_000, what: "the worker's first start" });
      const [first] = workerPids(app);
      await pgServer.stop();
      process.kill(first as number, "SIGKILL");
      const second = await waitFor(
        () => {
          const pids = workerPids(app);
          return pids.length === 1 && pids[0] !== first ? pids[0] : undefined;
        },
        { timeoutMs: 20_000, what: "the launcher to start the worker again" },
      );
      await waitFor(() => (app.output().includes('"msg":"worker.database_unavailable') ? true : undefined), { timeoutMs: 20_000, what: "the new worker to wait for the database" });
      await pgServer.start();
      await waitFor(() => (started() === 2 ? true : undefined), { timeoutMs: 30_000, what: "the worker to start once the database answers" });
      // The same process waited: it neither exited nor was started again.
      expect(workerPids(app)).toEqual([second]);
      expect(app.output()).not.toContain("worker.start_failed");
      await deliverAndProcess(app, db);
    } finally {
      await app.stop();
      await db.end();
      await pgServer.remove();
    }
  });
});

describe("with the embedded database", () => {
  it("runs the worker's database sessions at nice 5 (the worker itself at 10), the server's at normal priority", { timeout: 60_000 }, async () => {
    const pgServer = await startStoppablePostgres();
    const app = await startApp({ databaseUrl: pgServer.url, env: { DATABASE_MODE: "embedded" } });
    const db = testPool(pgServer.url);
    try {
      await deliverAndProcess(app, db);
      const sessions = async (applicationName: string) =>
        (await db.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = $1", [applicationName])).rows.map((r) => r.pid);
      const workerSessions = await sessions("smartcar-monitor-worker");
      const serverSessions = await sessions("smartcar-monitor");
      expect(workerSessions.length).toBeGreaterThan(0);
      expect(serverSessions.length).toBeGreaterThan(0);
      expect(workerSessions.map(niceness)).toEqual(workerSessions.map(() => 5));
      expect(serverSessions.map(niceness)).toEqual(serverSessions.map(() => 0));
    } finally {
      await app.stop();
      await db.end();
      await pgServer.remove();
    }
  });
});
