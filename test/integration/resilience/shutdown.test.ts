import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { descendants, processName, workerPidsUnder } from "@/bench/lib/processes";
import { startApp, type RunningApp } from "../../helpers/app";
import { testPool } from "../../helpers/db-client";
import { vehicleState } from "../../helpers/events";
import { installFaultTriggers, planFault } from "../../helpers/faults";
import { postWebhook } from "../../helpers/smartcar";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";
import { waitFor } from "../../helpers/wait-for";

// SIGTERM to the launcher (what systemd, Docker or Kubernetes send) in the middle of a stream
// of deliveries and with a run inside its transaction: the launcher forwards it, the app stops
// taking connections, answers what is in flight, dispatches what it acknowledged, hands the
// executor's runs back and exits 0 — and the launcher exits with that code. A process that
// cannot stop is killed once the budget and the launcher's grace (5 s) have passed.

const SHUTDOWN_TIMEOUT_MS = 5_000;

let database: TestDatabase;
let db: pg.Pool;
let app: RunningApp | undefined;
let frozenApp: RunningApp | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
  db = testPool(database.url);
  await installFaultTriggers(db);
});

afterAll(async () => {
  await app?.stop();
  await frozenApp?.kill();
  await db?.end();
  await database?.drop();
});

const reading = (vehicleId: string, value: number) =>
  vehicleState(vehicleId, [{ code: "tractionbattery-stateofcharge", value, unit: "percent", oemUpdatedAt: Date.now() }]);

async function count(sql: string, values: unknown[] = []): Promise<number> {
  const result = await db.query<{ n: string }>(sql, values);
  return Number(result.rows[0]?.n);
}

describe("graceful shutdown", () => {
  it("exits 0 within its budget after storing every acknowledged delivery and releasing the executor's leases", { timeout: 90_000 }, async () => {
    app = await startApp({ databaseUrl: database.url, env: { SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) } });
    const running = app;
    // This vehicle's processing sleeps inside its transaction far longer than the stop waits.
    const stuckVehicle = `stuck${randomUUID().slice(0, 8)}`;
    await planFault(db, stuckVehicle, 0, 60_000);
    expect((await postWebhook(running.url, reading(stuckVehicle, 1))).status).toBe(200);

    // Four senders deliver without pause until the server stops answering.
    const acknowledged: string[] = [];
    const failures: string[] = [];
    let sending = true;
    const sender = async (n: number) => {
      const vehicleId = `stream${n}${randomUUID().slice(0, 6)}`;
      for (let i = 0; sending; i++) {
        try {
          const res = await postWebhook(running.url, reading(vehicleId, i % 100));
          if (res.status === 200) acknowledged.push(((await res.json()) as { eventId: string }).eventId);
          else failures.push(`HTTP ${res.status}`);
        } catch {
          // Connection refused or closed: the server has stopped listening.
          sending = false;
        }
      }
    };
    const senders = Promise.all([0, 1, 2, 3].map(sender));

    await waitFor(
      async () => {
        if (acknowledged.length < 40) return undefined;
        const sleeping = await count("SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND datname = current_database()");
        return sleeping > 0 ? true : undefined;
      },
      { timeoutMs: 30_000, what: "a stream of acknowledged deliveries and a run inside its transaction" },
    );
    const signalledAt = Date.now();
    const exitCode = await running.terminate();
    const stoppedInMs = Date.now() - signalledAt;
    sending = false;
    await senders;

    expect(exitCode).toBe(0);
    expect(stoppedInMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 2_000);
    expect(failures).toEqual([]);
    expect(acknowledged.length).toBeGreaterThan(40);
    // Every 200 is a stored event, and was handed to the queue before the process went.
    expect(await count("SELECT count(*) AS n FROM event WHERE event_id = ANY($1::text[])", [acknowledged])).toBe(acknowledged.length);
    const dispatched = "SELECT count(DISTINCT event->'data'->>'eventId') AS n FROM executor_run WHERE event->'data'->>'eventId' = ANY($1::text[])";
    expect(await count(dispatched, [acknowledged])).toBe(acknowledged.length);
    // No run is left leased to the dead process: the stuck one went back to the queue, its attempt not counted.
    expect(await count("SELECT count(*) AS n FROM executor_run WHERE status = 'RUNNING'")).toBe(0);
    const stuck = await db.query<{ status: string; attempt: number; lease_until: Date | null }>(
      "SELECT status, attempt, lease_until FROM executor_run WHERE event->'data'->>'vehicleId' = $1",
      [stuckVehicle],
    );
    expect(stuck.rows).toEqual([{ status: "QUEUED", attempt: 0, lease_until: null }]);

    const output = running.output();
    expect(output).toContain('"msg":"shutdown.started"');
    expect(output).toMatch(/"handedBack":[1-9]\d*,"msg":"executor.stopped"/);
    expect(output).toContain('"msg":"shutdown.completed"');
    expect(output).not.toContain("shutdown.timed_out");
    expect(output).not.toContain("shutdown.step_failed");
  });
});

describe("a stop that hangs", () => {
  it("ends anyway: the launcher SIGKILLs a server and a worker that ignore SIGTERM once budget + 5 s have passed", { timeout: 60_000 }, async () => {
    const budgetMs = 1_000;
    frozenApp = await startApp({ databaseUrl: database.url, env: { SHUTDOWN_TIMEOUT_MS: String(budgetMs) } });
    const running = frozenApp;
    const servers = descendants(running.pid).filter((pid) => processName(pid).startsWith("next-server"));
    const workers = workerPidsUnder(running.pid);
    expect(servers).toHaveLength(1);
    expect(workers).toHaveLength(1);
    // A stopped process takes no signal but SIGKILL: its own shutdown timer never fires, as in a
    // process wedged in native code or a build whose handler never runs.
    for (const pid of [...servers, ...workers]) process.kill(pid, "SIGSTOP");

    const signalledAt = Date.now();
    const exitCode = await running.terminate();
    const stoppedInMs = Date.now() - signalledAt;

    // The server's exit code is the launcher's: killed by signal 9.
    expect(exitCode).toBe(137);
    expect(stoppedInMs).toBeGreaterThanOrEqual(budgetMs + 5_000);
    expect(stoppedInMs).toBeLessThan(budgetMs + 5_000 + 5_000);
    expect(running.output()).toContain('"msg":"shutdown.killed"');
    for (const pid of [...servers, ...workers]) expect(existsSync(`/proc/${pid}`), `process ${pid} is gone`).toBe(false);
  });
});
