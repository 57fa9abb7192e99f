import { describe, expect, it } from "vitest";
import { createFleet } from "@/lib/simulator/fleet";
import { useAppWithDatabase } from "../../helpers/app-with-database";
import { installFaultTriggers, planFault } from "../../helpers/faults";
import { checkVehicleState, expectedSignals, deliveryFigures, printFigures, startSimulation, storableEventIds, waitUntilSettled, type ProofTraffic } from "../../helpers/proof";

// Simulated traffic while processing fails inside the real database (a trigger on the vehicle
// row): three vehicles fail their first 1, 2 and 3 applies and then recover — the retries absorb
// it —, one fails every time and its events are dead-lettered with the reason; nothing is lost
// and every other vehicle ends exactly at its newest readings.
const SEED = "proof-faults";
const fleet = createFleet({ seed: SEED, vehicles: 8 });
const flaky = new Map(fleet.slice(0, 3).map((v, i) => [v.vehicleId, i + 1]));
const poison = fleet[3]?.vehicleId ?? "";

const suite = useAppWithDatabase({
  prepare: async (db) => {
    await installFaultTriggers(db);
    for (const [vehicleId, failTimes] of flaky) await planFault(db, vehicleId, failTimes);
    await planFault(db, poison, 1_000_000);
  },
});

describe("proof: a processing dependency failing intermittently", () => {
  it("retries to success, dead-letters what never succeeds with its reason, and loses nothing", { timeout: 120_000 }, async () => {
    const traffic: ProofTraffic = {
      url: suite.app.url,
      vehicles: fleet.length,
      count: 240,
      scenarios: ["duplicates"],
      seed: SEED,
      runId: "1",
      retryDelaysMs: [1_000, 2_000, 4_000],
    };
    const run = startSimulation(traffic);
    const summary = await run.done;
    expect(summary.unexpectedSamples).toEqual([]);
    expect(storableEventIds(traffic).filter((id) => !run.acknowledged.has(id))).toEqual([]);

    const acknowledged = [...run.acknowledged.values()];
    const settled = await waitUntilSettled(
      suite.db,
      acknowledged.map((m) => m.eventId),
      { timeoutMs: 90_000 },
    );

    const poisoned = settled.events.filter((e) => e.vehicleId === poison);
    expect(poisoned.length).toBe(acknowledged.filter((m) => m.vehicleId === poison).length);
    expect(poisoned.length).toBeGreaterThan(5);
    for (const event of poisoned) {
      expect(event).toMatchObject({ status: "DEAD_LETTERED", errorReason: "PROCESSING_FAILED", attempts: 4 });
      expect(event.errorMessage).toContain("injected fault");
    }
    const poisonAttempts = await attemptResults(poisoned.map((e) => e.eventId));
    expect(new Set(poisonAttempts.values())).toEqual(new Set(["error,error,error,error,dead_lettered"]));
    expect(await suite.db.query("SELECT 1 FROM vehicle WHERE vehicle_id = $1", [poison]).then((r) => r.rowCount)).toBe(0);

    const others = settled.events.filter((e) => e.vehicleId !== poison);
    expect(others.filter((e) => e.status !== "PROCESSED")).toEqual([]);
    // Each flaky vehicle failed exactly as often as planned; every failure was followed by a retry
    // of the same event, which succeeded.
    let retriedEvents = 0;
    for (const [vehicleId, failTimes] of flaky) {
      const events = others.filter((e) => e.vehicleId === vehicleId);
      const results = await attemptResults(events.map((e) => e.eventId));
      const failures = [...results.values()].reduce((sum, r) => sum + r.split(",").filter((x) => x === "error").length, 0);
      expect(failures).toBe(failTimes);
      for (const event of events) {
        const history = results.get(event.eventId) ?? "";
        expect(history).toMatch(/^(error,)*ok$/);
        expect(event.attempts).toBe(history.split(",").length);
        if (history !== "ok") retriedEvents += 1;
      }
    }
    expect(retriedEvents).toBeGreaterThan(0);

    const healthy = fleet.map((v) => v.vehicleId).filter((id) => id !== poison);
    const state = await checkVehicleState(suite.db, expectedSignals(acknowledged.filter((m) => m.vehicleId !== poison)), healthy);
    expect(state.mismatches).toEqual([]);
    expect(state.exact).toBeGreaterThan(100);

    printFigures("processing-faults", {
      ...deliveryFigures(summary, acknowledged.length, settled),
      "injected-failures": [...flaky.values()].reduce((a, b) => a + b, 0),
      "recovered-by-retry": retriedEvents,
      "signals-checked": state.exact,
    });
  });
});

/** Each event's processing attempts in order, e.g. "error,ok". */
async function attemptResults(eventIds: string[]): Promise<Map<string, string>> {
  const rows = await suite.db.query<{ event_id: string; results: string }>(
    "SELECT event_id, string_agg(result, ',' ORDER BY id) AS results FROM processing_attempt WHERE event_id = ANY($1::text[]) GROUP BY event_id",
    [eventIds],
  );
  return new Map(rows.rows.map((r) => [r.event_id, r.results]));
}
