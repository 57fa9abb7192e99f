import { describe, expect, it } from "vitest";
import { EPOCH, newestPerCode, planEvent, signalWrite } from "@/lib/processing/plan";
import type { NormalisedEvent, NormalisedSignal } from "@/lib/smartcar/types";

const eventAt = new Date("2025-11-29T08:00:00.000Z");

function event(overrides: Partial<NormalisedEvent>): NormalisedEvent {
  return {
    eventId: "e1",
    eventType: "VEHICLE_STATE",
    vehicleId: "v1",
    userId: "u1",
    vehicle: { make: "TESLA", model: "Model 3", year: 2021 },
    mode: "LIVE",
    deliveryId: "d1",
    deliveredAt: eventAt.getTime(),
    isFirstDelivery: false,
    signals: [],
    errors: [],
    warnings: [],
    ...overrides,
  };
}

function reading(overrides: Partial<NormalisedSignal>): NormalisedSignal {
  return { code: "odometer-traveleddistance", name: "TraveledDistance", group: "Odometer", body: { value: 1, unit: "km" }, unit: "km", error: null, oemUpdatedAt: null, retrievedAt: null, ...overrides };
}

describe("planEvent", () => {
  it("ignores event types it does not apply", () => {
    expect(planEvent(event({ eventType: "LEGACY_V2" }), { eventAt, applyTestEvents: false })).toEqual({ action: "ignore", outcome: "IGNORED_EVENT_TYPE" });
  });

  it("does not apply TEST events unless APPLY_TEST_EVENTS is on", () => {
    expect(planEvent(event({ mode: "TEST" }), { eventAt, applyTestEvents: false })).toEqual({ action: "ignore", outcome: "TEST_NOT_APPLIED" });
    expect(planEvent(event({ mode: "TEST" }), { eventAt, applyTestEvents: true }).action).toBe("apply_state");
  });

  it("dead-letters an event that names no vehicle", () => {
    expect(planEvent(event({ vehicleId: null }), { eventAt, applyTestEvents: false })).toMatchObject({ action: "dead_letter", reason: "NO_VEHICLE_ID" });
  });

  it("counts failed signals and maps COMPATIBILITY failures to UNSUPPORTED", () => {
    const plan = planEvent(
      event({
        signals: [
          reading({ code: "a-b" }),
          reading({ code: "c-d", body: null, error: { type: "COMPATIBILITY", code: "VEHICLE_NOT_CAPABLE" } }),
          reading({ code: "e-f", body: null, error: { type: "SERVER", code: "INTERNAL" } }),
        ],
      }),
      { eventAt, applyTestEvents: false },
    );
    if (plan.action !== "apply_state") throw new Error(`unexpected ${plan.action}`);
    expect(plan.failedCount).toBe(2);
    expect(plan.signals.map((s) => [s.code, s.status])).toEqual([
      ["a-b", "OK"],
      ["c-d", "UNSUPPORTED"],
      ["e-f", "ERROR"],
    ]);
  });

  it("marks signals listed by a COMPATIBILITY error as UNSUPPORTED at the event's time", () => {
    const plan = planEvent(
      event({
        eventType: "VEHICLE_ERROR",
        errors: [{ type: "COMPATIBILITY", code: "VEHICLE_NOT_CAPABLE", state: "ERROR", description: null, resolutionType: null, signals: ["location-isathome"] }],
      }),
      { eventAt, applyTestEvents: false },
    );
    if (plan.action !== "apply_errors") throw new Error(`unexpected ${plan.action}`);
    expect(plan.unsupported).toMatchObject([{ code: "location-isathome", status: "UNSUPPORTED", keyAt: EPOCH, keyTie: EPOCH, statusAt: eventAt }]);
    expect(plan.conditions).toEqual([{ type: "COMPATIBILITY", code: "VEHICLE_NOT_CAPABLE", state: "ERROR", description: null, resolutionType: null, signals: ["location-isathome"] }]);
  });
});

describe("ordering keys", () => {
  it("orders by oemUpdatedAt, then the fetch time, then falls back to the event's time", () => {
    expect(signalWrite(reading({ oemUpdatedAt: 5, retrievedAt: 7 }), eventAt)).toMatchObject({ keyAt: new Date(5), keyTie: new Date(7) });
    expect(signalWrite(reading({ oemUpdatedAt: null, retrievedAt: 7 }), eventAt)).toMatchObject({ keyAt: new Date(7), keyTie: new Date(7) });
    expect(signalWrite(reading({}), eventAt)).toMatchObject({ keyAt: eventAt, keyTie: EPOCH });
  });

  it("dates a status by its observation: the fetch time, else the event's time", () => {
    expect(signalWrite(reading({ oemUpdatedAt: 5, retrievedAt: 7 }), eventAt)).toMatchObject({ statusAt: new Date(7) });
    expect(signalWrite(reading({ oemUpdatedAt: 5, retrievedAt: null }), eventAt)).toMatchObject({ statusAt: eventAt });
  });

  it("gives a failure no reading key, so it never displaces a stored body", () => {
    const failure = signalWrite(reading({ body: null, oemUpdatedAt: 5, retrievedAt: 7, error: { type: "SERVER", code: "INTERNAL" } }), eventAt);
    expect(failure).toMatchObject({ status: "ERROR", keyAt: EPOCH, keyTie: EPOCH, statusAt: new Date(7) });
  });

  it("keeps the reading when a payload repeats a code as a reading and a failure", () => {
    const good = signalWrite(reading({ body: { value: 1 }, oemUpdatedAt: 1 }), eventAt);
    const failed = signalWrite(reading({ body: null, error: { type: "SERVER", code: "INTERNAL" } }), eventAt);
    expect(newestPerCode([good, failed])).toEqual([good]);
    expect(newestPerCode([failed, good])).toEqual([good]);
  });

  it("keeps only the newest write when a payload repeats a code", () => {
    const older = signalWrite(reading({ body: { value: 1 }, oemUpdatedAt: 1 }), eventAt);
    const newer = signalWrite(reading({ body: { value: 2 }, oemUpdatedAt: 2 }), eventAt);
    expect(newestPerCode([newer, older])).toEqual([newer]);
    expect(newestPerCode([older, newer])).toEqual([newer]);
  });

  it("plots only finite numeric values", () => {
    expect(signalWrite(reading({ body: { value: 42.5 } }), eventAt).numericValue).toBe(42.5);
    expect(signalWrite(reading({ body: { value: "CHARGING" } }), eventAt).numericValue).toBeNull();
    expect(signalWrite(reading({ body: { latitude: 1, longitude: 2 } }), eventAt).numericValue).toBeNull();
  });
});
