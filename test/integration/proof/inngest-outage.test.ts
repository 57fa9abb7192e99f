import { randomBytes } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFleet } from "@/lib/simulator/fleet";
import { startApp, type RunningApp } from "../../helpers/app";
import { testPool } from "../../helpers/db-client";
import { startInngestRunner, type InngestRunner } from "../../helpers/inngest-runner";
import { startInngestStub, type InngestStub } from "../../helpers/inngest-stub";
import { checkVehicleState, expectedSignals, deliveryFigures, printFigures, startSimulation, storableEventIds, waitUntilSettled, type ProofTraffic } from "../../helpers/proof";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";
import { waitFor } from "../../helpers/wait-for";

// QUEUE_MODE=inngest while simulated Smartcar traffic arrives: for the first third the Inngest
// event API is unreachable (nothing listens), for the second it accepts connections and never
// answers, then it is back. Smartcar must get its 200 at once throughout; every dispatch that
// failed is recovered by the sweep cron (fired every second here instead of every minute) once
// the API answers, and every acknowledged event ends PROCESSED.
const SEED = "proof-inngest";
const VEHICLES = 10;
const SIGNING_KEY = `signkey-test-${randomBytes(32).toString("hex")}`;

let database: TestDatabase;
let db: pg.Pool;
let stub: InngestStub;
let app: RunningApp;
let runner: InngestRunner;

beforeAll(async () => {
  database = await createTestDatabase();
  db = testPool(database.url);
  stub = await startInngestStub({ mode: "down" });
  app = await startApp({
    databaseUrl: database.url,
    env: {
      QUEUE_MODE: "inngest",
      INNGEST_BASE_URL: stub.baseUrl,
      INNGEST_EVENT_KEY: "proof-event-key",
      INNGEST_SIGNING_KEY: SIGNING_KEY,
      DISPATCH_TIMEOUT_MS: "500",
      SWEEP_UNDISPATCHED_AFTER_SECONDS: "1",
    },
  });
  runner = startInngestRunner({ stub, appUrl: app.url, signingKey: SIGNING_KEY, cronEveryMs: 1_000 });
});

afterAll(async () => {
  await runner?.stop();
  await app?.stop();
  await stub?.close();
  await db?.end();
  await database?.drop();
});

describe("proof: the Inngest event API unreachable, then hanging", () => {
  it("acknowledges every delivery at once, and the sweep gets every acknowledged event processed once the API is back", { timeout: 150_000 }, async () => {
    const traffic: ProofTraffic = {
      url: app.url,
      vehicles: VEHICLES,
      count: 360,
      scenarios: ["duplicates"],
      seed: SEED,
      runId: "1",
      retryDelaysMs: [1_000, 2_000, 4_000],
      ratePerSecond: 40,
    };
    const run = startSimulation(traffic);
    await waitFor(() => (run.acknowledged.size >= 120 ? true : undefined), { timeoutMs: 30_000, what: "the unreachable phase's traffic" });
    await stub.setMode("hang");
    await waitFor(() => (run.acknowledged.size >= 240 ? true : undefined), { timeoutMs: 30_000, what: "the hanging phase's traffic" });
    await stub.setMode("up");
    const summary = await run.done;

    // Every delivery got its expected 200 — no timeout, no 5xx — while the queue was out of reach.
    expect(summary.unexpectedSamples).toEqual([]);
    expect(storableEventIds(traffic).filter((id) => !run.acknowledged.has(id))).toEqual([]);
    // A dispatch to an unreachable API takes ~1.5 s of the SDK's retries, to a hanging one ~4 s: a
    // receiver that waited for it would answer two thirds of the deliveries that slowly.
    expect(summary.latencyMs.p50).toBeLessThan(1_000);
    const dispatchFailures = app.output().split('"msg":"dispatch.failed"').length - 1;
    expect(dispatchFailures).toBeGreaterThan(0);

    const acknowledged = [...run.acknowledged.keys()];
    const settled = await waitUntilSettled(db, acknowledged, { timeoutMs: 60_000 });
    expect(settled.events.filter((e) => e.status !== "PROCESSED")).toEqual([]);

    // Which events reached Inngest only through a sweep re-dispatch, and which directly.
    const viaStub = new Map<string, string[]>();
    for (const event of stub.events) {
      const eventId = String(event.data.eventId);
      viaStub.set(eventId, [...(viaStub.get(eventId) ?? []), event.id ?? ""]);
    }
    expect(acknowledged.filter((id) => !viaStub.has(id))).toEqual([]);
    const onlySwept = acknowledged.filter((id) => (viaStub.get(id) ?? []).every((inngestId) => inngestId.startsWith(`${id}:sweep:`)));
    const direct = acknowledged.filter((id) => (viaStub.get(id) ?? []).includes(id));
    // The SDK retries a send for ~1.5 s, so late events of a phase may still get through directly;
    // at least the first half of the unreachable phase can only have come through the sweep.
    expect(onlySwept.length).toBeGreaterThanOrEqual(50);
    expect(direct.length).toBeGreaterThanOrEqual(100);

    const vehicleIds = createFleet({ seed: SEED, vehicles: VEHICLES }).map((v) => v.vehicleId);
    const state = await checkVehicleState(db, expectedSignals(run.acknowledged.values()), vehicleIds);
    expect(state.mismatches).toEqual([]);
    expect(state.exact).toBeGreaterThan(100);

    printFigures("inngest-outage", {
      ...deliveryFigures(summary, acknowledged.length, settled),
      "dispatch-failures": dispatchFailures,
      "recovered-by-sweep": onlySwept.length,
      "dispatched-directly": direct.length,
      "receive-p50-ms": summary.latencyMs.p50,
      "receive-p95-ms": summary.latencyMs.p95,
      "receive-max-ms": summary.latencyMs.max,
      "signals-checked": state.exact,
    });
  });
});
