import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFleet } from "@/lib/simulator/fleet";
import { startApp, type RunningApp } from "../../helpers/app";
import { testPool } from "../../helpers/db-client";
import { installFaultTriggers, planFault } from "../../helpers/faults";
import { freePort } from "../../helpers/postgres-server";
import { checkVehicleState, expectedSignals, deliveryFigures, printFigures, startSimulation, storableEventIds, waitUntilSettled, type ProofTraffic } from "../../helpers/proof";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";
import { waitFor } from "../../helpers/wait-for";

// The app (launcher + next start + embedded executor) SIGKILLed while simulated Smartcar traffic
// is arriving and runs are inside their transactions, then started again on the same port: the
// simulator's retries (Smartcar's 25/50/100 s scaled to 5/10/20 s: the restart, slow on a busy
// 2-core machine, must fit in their window) reach the new process, the runs the dead one held
// resume once their lease expires, and nothing acknowledged is lost.
const SEED = "proof-sigkill";
const VEHICLES = 12;
const ENV = { EXECUTOR_LEASE_MS: "2000", SWEEP_UNDISPATCHED_AFTER_SECONDS: "1" };

let database: TestDatabase;
let db: pg.Pool;
let dataDir: string;
let app: RunningApp | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
  db = testPool(database.url);
  dataDir = mkdtempSync(path.join(os.tmpdir(), "smartcar-proof-kill-"));
  await installFaultTriggers(db);
  // Every apply sleeps inside its transaction, so processing trails the traffic and the kill
  // finds runs half-way through.
  for (const vehicle of createFleet({ seed: SEED, vehicles: VEHICLES })) await planFault(db, vehicle.vehicleId, 0, 80);
});

afterAll(async () => {
  await app?.stop();
  await db?.end();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function count(sql: string): Promise<number> {
  const result = await db.query<{ n: string }>(sql);
  return Number(result.rows[0]?.n);
}

describe("proof: the app SIGKILLed mid-processing", () => {
  it("processes every acknowledged event after a restart, and vehicle state equals the newest readings sent", { timeout: 200_000 }, async () => {
    const port = await freePort();
    app = await startApp({ databaseUrl: database.url, dataDir, port, env: ENV });
    const traffic: ProofTraffic = {
      url: app.url,
      vehicles: VEHICLES,
      count: 500,
      // Vehicle errors and TEST events besides the readings; no spoiled bodies, whose refusals
      // Smartcar retries to the end of the window and which never count as acknowledged anyway.
      scenarios: ["vehicle-errors", "test-mode"],
      seed: SEED,
      runId: "1",
      retryDelaysMs: [5_000, 10_000, 20_000],
      ratePerSecond: 50,
    };
    const run = startSimulation(traffic);

    await waitFor(
      async () => {
        if (run.acknowledged.size < 100) return undefined;
        const processed = await count("SELECT count(*) AS n FROM event WHERE status = 'PROCESSED'");
        const backlog = await count("SELECT count(*) AS n FROM event WHERE status NOT IN ('PROCESSED', 'DEAD_LETTERED')");
        const sleeping = await count("SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND datname = current_database()");
        return processed >= 20 && backlog >= 10 && sleeping > 0 ? true : undefined;
      },
      { timeoutMs: 30_000, what: "traffic flowing, a backlog, and runs inside their transactions" },
    );
    await app.kill();
    const killedAt = Date.now();
    const acknowledgedAtKill = run.acknowledged.size;
    // Runs the dead process held: only their lease expiring gives them back.
    const interrupted = await count("SELECT count(*) AS n FROM executor_run WHERE status = 'RUNNING'");
    const backlog = await count("SELECT count(*) AS n FROM event WHERE status NOT IN ('PROCESSED', 'DEAD_LETTERED')");
    expect(interrupted).toBeGreaterThan(0);
    expect(backlog).toBeGreaterThan(0);
    // The slowness has served its purpose; the new process works the backlog off at full speed.
    await db.query("DELETE FROM test_fault_plan");

    app = await startApp({ databaseUrl: database.url, dataDir, port, env: ENV });
    const downMs = Date.now() - killedAt;
    const summary = await run.done;
    // Deliveries cut off by the kill were retried by the simulator, as Smartcar would.
    expect(summary.failed.NETWORK ?? 0).toBeGreaterThan(0);
    expect(run.acknowledged.size).toBeGreaterThan(acknowledgedAtKill);
    // The restart fits in the (scaled) retry window: Smartcar gave up on no event.
    const gaveUp = storableEventIds(traffic).filter((id) => !run.acknowledged.has(id));
    expect(gaveUp).toEqual([]);

    const acknowledged = [...run.acknowledged.keys()];
    const settled = await waitUntilSettled(db, acknowledged, { timeoutMs: 90_000 });
    expect(settled.events.filter((e) => e.status === "DEAD_LETTERED")).toEqual([]);
    const vehicleIds = createFleet({ seed: SEED, vehicles: VEHICLES }).map((v) => v.vehicleId);
    const state = await checkVehicleState(db, expectedSignals(run.acknowledged.values()), vehicleIds);
    expect(state.mismatches).toEqual([]);
    expect(state.exact).toBeGreaterThan(100);
    expect(app.output()).not.toContain("uncaughtException");

    printFigures("sigkill", {
      ...deliveryFigures(summary, acknowledged.length, settled),
      "runs-interrupted": interrupted,
      "backlog-at-kill": backlog,
      "down-ms": downMs,
      "smartcar-gave-up": gaveUp.length,
      "signals-checked": `${state.exact} (${state.failed} failed)`,
    });
  });
});
