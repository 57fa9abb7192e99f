import { describe, expect, it } from "vitest";
import { createFleet } from "@/lib/simulator/fleet";
import { planTraffic, type PlannedMessage } from "@/lib/simulator/plan";
import { combineScenarios, type ScenarioName } from "@/lib/simulator/scenarios";
import type { NormalisedEvent } from "@/lib/smartcar/types";
import { body, statesByVehicle, value } from "./read-message";

// Invariants are collected as lists of violations and compared once: thousands of readings
// through expect() one by one would take most of the run.
const DAY = 24 * 60 * 60 * 1000;
const END = Date.parse("2026-11-29T12:00:00.000Z");

function simulatedDay(scenario: ScenarioName): Map<string, NormalisedEvent[]> {
  const fleet = createFleet({ seed: "plausible", vehicles: 16 });
  const messages: PlannedMessage[] = [...planTraffic({ seed: "plausible", runId: "day", fleet, trouble: combineScenarios([scenario]), bound: { spanMs: DAY }, endAt: END })];
  return statesByVehicle(messages);
}

function number(event: NormalisedEvent, code: string): number | undefined {
  const v = value(event, code);
  return typeof v === "number" ? v : undefined;
}

/** Consecutive readings of one signal in a vehicle's reports, skipping reports where it failed. */
function steps(events: NormalisedEvent[], code: string): { before: NormalisedEvent; after: NormalisedEvent; delta: number }[] {
  const withValue = events.filter((e) => number(e, code) !== undefined);
  return withValue.slice(1).flatMap((after, i) => {
    const before = withValue[i];
    return before ? [{ before, after, delta: (number(after, code) ?? 0) - (number(before, code) ?? 0) }] : [];
  });
}

describe("a simulated day of a 16-vehicle fleet", () => {
  const clean = simulatedDay("clean");
  const mixed = simulatedDay("mixed");

  it("covers the whole fleet with many reports each", () => {
    expect(clean.size).toBe(16);
    expect([...clean.values()].filter((events) => events.length < 20)).toEqual([]);
  });

  it("keeps the state of charge within 0–100 and raises it only around a charging report", () => {
    const violations: string[] = [];
    let rises = 0;
    let falls = 0;
    for (const [vehicleId, events] of clean) {
      for (const event of events) {
        const soc = number(event, "tractionbattery-stateofcharge");
        if (soc !== undefined && (soc < 0 || soc > 100)) violations.push(`${vehicleId}: SoC ${soc}`);
      }
      for (const { before, after, delta } of steps(events, "tractionbattery-stateofcharge")) {
        if (delta < 0) falls++;
        if (delta <= 0) continue;
        rises++;
        if (value(before, "charge-ischarging") !== true && value(after, "charge-ischarging") !== true) {
          violations.push(`${vehicleId}: SoC rose by ${delta} in ${after.eventId} without charging`);
        }
      }
    }
    expect(violations).toEqual([]);
    // Both halves of the invariant were exercised: cars drove and cars charged.
    expect(rises).toBeGreaterThan(10);
    expect(falls).toBeGreaterThan(10);
  });

  it("never winds an odometer back, also with failed signals and vehicle errors in the stream", () => {
    const violations: string[] = [];
    let grew = 0;
    for (const [vehicleId, events] of [...clean, ...mixed]) {
      for (const { after, delta } of steps(events, "odometer-traveleddistance")) {
        if (delta < 0) violations.push(`${vehicleId}: odometer fell by ${-delta} in ${after.eventId}`);
        if (delta > 0) grew++;
      }
    }
    expect(violations).toEqual([]);
    expect(grew).toBeGreaterThan(50);
  });

  it("reports charging figures that agree with each other", () => {
    const violations: string[] = [];
    let charging = 0;
    for (const events of clean.values()) {
      for (const event of events) {
        const isCharging = value(event, "charge-ischarging");
        if (isCharging === undefined) continue;
        const figures = {
          cable: value(event, "charge-ischargingcableconnected"),
          status: value(event, "charge-detailedchargingstatus"),
          volts: number(event, "charge-voltage") ?? -1,
          amps: number(event, "charge-amperage") ?? -1,
          watts: number(event, "charge-wattage") ?? -1,
        };
        const consistent =
          isCharging === true
            ? // Single-phase (and DC) or three-phase: W = V × A × phases.
              figures.cable === true && figures.status === "CHARGING" && figures.amps > 0 && [1, 3].includes(figures.watts / (figures.volts * figures.amps))
            : figures.amps === 0 && figures.watts === 0 && figures.status === (figures.cable ? "FULLY_CHARGED" : "NOT_CHARGING");
        if (isCharging === true) charging++;
        if (!consistent) violations.push(`${event.eventId}: charging ${String(isCharging)} with ${JSON.stringify(figures)}`);
      }
    }
    expect(violations).toEqual([]);
    expect(charging).toBeGreaterThan(10);
  });

  it("moves cars only while driving, along a drifting path, and toggles their locks", () => {
    const violations: string[] = [];
    let moves = 0;
    let toggled = 0;
    for (const events of clean.values()) {
      const locks = new Set(events.map((e) => value(e, "closure-islocked")));
      if (locks.has(true) && locks.has(false)) toggled++;
      const locations = events.map((e) => ({ eventId: e.eventId, location: body(e, "location-preciselocation") }));
      for (const [i, { eventId, location: after }] of locations.entries()) {
        const before = locations[i - 1]?.location;
        if (!before || !after || (before.latitude === after.latitude && before.longitude === after.longitude)) continue;
        moves++;
        if (before.locationType !== "CURRENT" && after.locationType !== "CURRENT") violations.push(`${eventId}: moved while parked`);
      }
    }
    expect(violations).toEqual([]);
    expect(moves).toBeGreaterThan(30);
    expect(toggled).toBeGreaterThan(8);
  });

  it("stamps each signal's oemUpdatedAt before its fetch time, before the end, and never backwards", () => {
    const violations: string[] = [];
    for (const events of clean.values()) {
      const last = new Map<string, number>();
      for (const event of events) {
        for (const { code, oemUpdatedAt, retrievedAt } of event.signals) {
          const at = oemUpdatedAt ?? Number.NaN;
          if (!(at <= (retrievedAt ?? 0) && at <= END && at >= (last.get(code) ?? 0))) {
            violations.push(`${event.eventId} ${code}: oemUpdatedAt ${oemUpdatedAt}, retrievedAt ${retrievedAt}, previous ${last.get(code)}`);
          }
          last.set(code, at);
        }
      }
    }
    expect(violations).toEqual([]);
  });
});
