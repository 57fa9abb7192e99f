import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFleet } from "@/lib/simulator/fleet";
import { startApp, type RunningApp } from "../../helpers/app";
import { testPool } from "../../helpers/db-client";
import { checkVehicleState, expectedSignals, deliveryFigures, printFigures, startSimulation, storableEventIds, waitUntilSettled, type ProofTraffic } from "../../helpers/proof";
import { startStoppablePostgres, type StoppablePostgres } from "../../helpers/stoppable-postgres";
import { waitFor } from "../../helpers/wait-for";

// Smartcar retries a failed delivery 3 times over ~3 minutes, then drops it. Here the database
// is stopped in the middle of simulated traffic for longer than that retry window (time-scaled:
// retries after 1, 2 and 4 s, an outage of 10 s), then started again. With the local spool the
// receiver keeps acknowledging verified deliveries, so Smartcar gives up on nothing, and every
// acknowledged event ends processed, with vehicle state equal to the newest readings sent.
const SEED = "proof-db-outage";
const VEHICLES = 10;
const RETRY_DELAYS_MS = [1_000, 2_000, 4_000];
const OUTAGE_MS = 10_000;
const ENV = { EXECUTOR_LEASE_MS: "2000" };

let pgServer: StoppablePostgres;
let db: pg.Pool;
let app: RunningApp | undefined;

beforeAll(async () => {
  pgServer = await startStoppablePostgres();
  db = testPool(pgServer.url);
});

afterAll(async () => {
  await app?.stop();
  await db?.end();
  await pgServer?.remove();
});

describe("proof: the database down for longer than Smartcar's retry window", () => {
  it("loses no acknowledged event, and vehicle state equals the newest readings sent", { timeout: 60_000 }, async () => {
    app = await startApp({ databaseUrl: pgServer.url, env: ENV });
    const traffic: ProofTraffic = {
      url: app.url,
      vehicles: VEHICLES,
      count: 600,
      scenarios: ["mixed"],
      seed: SEED,
      runId: "1",
      retryDelaysMs: RETRY_DELAYS_MS,
      ratePerSecond: 40,
    };
    expect(OUTAGE_MS).toBeGreaterThan(RETRY_DELAYS_MS.reduce((a, b) => a + b, 0));
    const run = startSimulation(traffic);

    await waitFor(() => (run.acknowledged.size >= 100 ? true : undefined), { timeoutMs: 20_000, what: "traffic flowing" });
    await pgServer.stop();
    const stoppedAt = Date.now();
    const acknowledgedAtStop = run.acknowledged.size;
    // The outage lasts OUTAGE_MS — and the receiver must have gone on acknowledging meanwhile.
    await waitFor(() => (Date.now() - stoppedAt >= OUTAGE_MS && run.acknowledged.size - acknowledgedAtStop >= 100 ? true : undefined), {
      timeoutMs: OUTAGE_MS + 10_000,
      intervalMs: 100,
      what: "the outage to last its length while deliveries keep being acknowledged",
    });
    const acknowledgedDuringOutage = run.acknowledged.size - acknowledgedAtStop;
    await pgServer.start();
    const outageMs = Date.now() - stoppedAt;

    const summary = await run.done;
    // Storage was down longer than the retry window, yet Smartcar gave up on no event.
    const gaveUp = storableEventIds(traffic).filter((id) => !run.acknowledged.has(id));
    expect(gaveUp).toEqual([]);
    expect(summary.rejected.STORAGE_UNAVAILABLE ?? 0).toBe(0);
    // The spool cannot tell a retry of an event stored before the outage from a new one: such a
    // retry (Smartcar missed the first 200) is answered "accepted" instead of "duplicate".
    expect(summary.unexpectedSamples.filter((u) => !(u.expected === "200 accepted|duplicate" && u.got === "200 accepted" && u.attempt > 1))).toEqual([]);

    const acknowledged = [...run.acknowledged.keys()];
    const settled = await waitUntilSettled(db, acknowledged, { timeoutMs: 30_000 });
    expect(settled.events.filter((e) => e.status === "DEAD_LETTERED" && !e.errorReason)).toEqual([]);
    const vehicleIds = createFleet({ seed: SEED, vehicles: VEHICLES }).map((v) => v.vehicleId);
    const state = await checkVehicleState(db, expectedSignals(run.acknowledged.values()), vehicleIds);
    expect(state.mismatches).toEqual([]);
    expect(state.exact).toBeGreaterThan(50);

    const windows = await waitFor(
      async () => {
        const rows = await db.query<{ mode: string; refused: number; spooled: number; replayed: number }>("SELECT mode, refused, spooled, replayed FROM outage_window");
        return rows.rows[0] && rows.rows[0].replayed > 0 ? rows.rows : undefined;
      },
      { timeoutMs: 10_000, what: "the outage window and its replayed count" },
    );
    expect(windows).toHaveLength(1);
    const [window] = windows;
    expect(window).toMatchObject({ mode: "spooled", refused: 0 });
    expect(window?.spooled).toBeGreaterThanOrEqual(acknowledgedDuringOutage);
    expect(window?.replayed).toBeGreaterThanOrEqual(window?.spooled ?? Number.POSITIVE_INFINITY);
    expect(app.output()).not.toContain("uncaughtException");

    printFigures("db-outage", {
      ...deliveryFigures(summary, acknowledged.length, settled),
      "smartcar-gave-up": gaveUp.length,
      "outage-ms": outageMs,
      "retry-window-ms": RETRY_DELAYS_MS.reduce((a, b) => a + b, 0),
      spooled: window?.spooled ?? 0,
      replayed: window?.replayed ?? 0,
      refused: window?.refused ?? 0,
      "signals-checked": `${state.exact} (${state.failed} failed)`,
    });
  });
});
