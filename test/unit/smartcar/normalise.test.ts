import { describe, expect, it } from "vitest";
import { normaliseEvent } from "@/lib/smartcar/normalise";
import type { NormalisedEvent, NormalisedSignal } from "@/lib/smartcar/types";
import { fixtureJson, fixtureNames } from "./load-fixture";

const TESLA_ID = "332bc6bb-4f5b-4273-aac1-6949e721b454";
const VW_ID = "04c719f7-4672-4cfa-a682-6ad4e5610348";
const TESLA = { make: "TESLA", model: "Model 3", year: 2021 };
const VW = { make: "VOLKSWAGEN", model: "ID.4", year: 2022 };

function normaliseFixture(name: string): NormalisedEvent {
  return normaliseEvent(fixtureJson(name));
}

function signal(event: NormalisedEvent, code: string): NormalisedSignal | undefined {
  return event.signals.find((s) => s.code === code);
}

function stateEvent(signals: unknown): NormalisedEvent {
  return normaliseEvent({ eventId: "e1", eventType: "VEHICLE_STATE", data: { signals } });
}

function errorEvent(errors: unknown): NormalisedEvent {
  return normaliseEvent({ eventId: "e1", eventType: "VEHICLE_ERROR", data: { errors } });
}

describe("normaliseEvent on every fixture", () => {
  it("never throws and warns only about the legacy bodies, which have no eventId", () => {
    for (const name of fixtureNames()) {
      const event = normaliseFixture(name);
      const expectedWarnings = name.includes("legacy-v2") ? ["payload has no eventId"] : [];
      expect({ name, warnings: event.warnings }).toEqual({ name, warnings: expectedWarnings });
    }
  });

  it("real-shape VEHICLE_STATE: data.vehicle.id, retrievedAt, status SUCCESS, two failed signals", () => {
    const event = normaliseFixture("vehicle-state.real-shape.json");
    expect(event).toMatchObject({
      eventId: "035eb387-c0d1-4627-a3e0-426d2dd59716",
      eventType: "VEHICLE_STATE",
      vehicleId: TESLA_ID,
      userId: "7b485af3-e078-4161-a79b-e2437ac323c6",
      vehicle: TESLA,
      mode: "LIVE",
      deliveryId: "22a18b87-1081-4a73-af74-eda4b8db4218",
      deliveredAt: 1764403502600,
      isFirstDelivery: false,
      errors: [],
    });
    expect(event.signals).toHaveLength(16);
    expect(signal(event, "tractionbattery-stateofcharge")).toEqual({
      code: "tractionbattery-stateofcharge",
      name: "StateOfCharge",
      group: "TractionBattery",
      body: { unit: "percent", value: 81 },
      unit: "percent",
      error: null,
      oemUpdatedAt: 1764403500000,
      retrievedAt: 1764403502100,
    });
    expect(signal(event, "tractionbattery-range")).toMatchObject({ unit: "km", body: { value: 332 } });

    const failed = event.signals.filter((s) => s.error !== null);
    expect(failed.map((s) => [s.code, s.error, s.body, s.unit])).toEqual([
      ["location-isathome", { type: "COMPATIBILITY", code: "VEHICLE_NOT_CAPABLE" }, null, null],
      ["charge-chargetimers", { type: "SERVER", code: "INTERNAL" }, null, null],
    ]);
    expect(signal(event, "location-isathome")).toMatchObject({ oemUpdatedAt: null, retrievedAt: null });
  });

  it("docs-shape VEHICLE_STATE: top-level vehicleId, fetchedAt becomes retrievedAt", () => {
    const event = normaliseFixture("vehicle-state.docs-shape.json");
    expect(event).toMatchObject({ vehicleId: TESLA_ID, vehicle: TESLA, isFirstDelivery: false, mode: "LIVE" });
    expect(event.signals).toHaveLength(14);
    expect(event.signals.every((s) => s.error === null && s.retrievedAt !== null)).toBe(true);
    expect(signal(event, "tractionbattery-stateofcharge")).toMatchObject({
      body: { value: 78 },
      oemUpdatedAt: 1764403200000,
      retrievedAt: 1764403202100,
    });
    expect(signal(event, "location-preciselocation")).toMatchObject({
      body: { latitude: 48.13743, longitude: 11.57549, heading: 270, locationType: "LAST_PARKED" },
      unit: null,
      retrievedAt: 1764403201900,
    });
  });

  it.each([
    ["vehicle-state.first-delivery.json", TESLA_ID, 1764396002100],
    ["vehicle-state.first-delivery.real-shape.json", VW_ID, 1764399602100],
  ])("%s is a first delivery", (name, vehicleId, socRetrievedAt) => {
    const event = normaliseFixture(name);
    expect(event).toMatchObject({ vehicleId, isFirstDelivery: true });
    expect(event.signals).toHaveLength(14);
    expect(signal(event, "tractionbattery-stateofcharge")?.retrievedAt).toBe(socRetrievedAt);
  });

  it("parses all 173 signals of the large payload", () => {
    const event = normaliseFixture("vehicle-state.large.json");
    expect(event.signals).toHaveLength(173);
    expect(event.vehicle).toEqual({ make: "JAGUAR", model: "I-PACE", year: 2022 });
    expect(event.signals.at(-1)).toMatchObject({ code: "diagnostics-check172", error: null, retrievedAt: 1764403202000 });
  });

  it("variants.vehicle-state.json: TEST, ISO deliveredAt, unitless fraction, meta {}, PERMISSION without code", () => {
    const event = normaliseFixture("variants.vehicle-state.json");
    expect(event).toMatchObject({
      vehicleId: VW_ID,
      vehicle: VW,
      mode: "TEST",
      deliveredAt: 1764403201000,
      isFirstDelivery: false,
    });
    expect(event.signals.map((s) => s.code)).toEqual([
      "internalcombustionengine-fuellevel",
      "odometer-traveleddistance",
      "wheel-tires",
      "closure-fronttrunk",
      "charge-ischarging",
    ]);
    expect(signal(event, "internalcombustionengine-fuellevel")).toEqual({
      code: "internalcombustionengine-fuellevel",
      name: "FuelLevel",
      group: "InternalCombustionEngine",
      body: { value: 0.77 },
      unit: null,
      error: null,
      oemUpdatedAt: null,
      retrievedAt: null,
    });
    expect(signal(event, "odometer-traveleddistance")).toMatchObject({ unit: "kilometers", retrievedAt: 1764403200900 });
    expect(signal(event, "wheel-tires")).toMatchObject({ unit: "bar", retrievedAt: 1764403200900 });
    expect(signal(event, "closure-fronttrunk")?.body).toEqual({ isOpen: false, isLocked: null });
    expect(signal(event, "charge-ischarging")).toMatchObject({ body: null, error: { type: "PERMISSION", code: null } });
  });

  it("variants.vehicle-error.json: _ERROR spellings, missing state, signals as [{code}]", () => {
    const event = normaliseFixture("variants.vehicle-error.json");
    expect(event.signals).toEqual([]);
    expect(event.errors).toEqual([
      {
        type: "UPSTREAM",
        code: "NO_RESPONSE",
        state: "ERROR",
        description: "The OEM did not answer.",
        resolutionType: null,
        signals: [],
      },
      {
        type: "PERMISSION",
        code: null,
        state: "ERROR",
        description: "Missing scope.",
        resolutionType: null,
        signals: ["charge-ischarging"],
      },
      {
        type: "CONNECTED_SERVICES_ACCOUNT",
        code: "SUBSCRIPTION",
        state: "ERROR",
        description: "OEM subscription expired.",
        resolutionType: "USER_ACTION_REQUIRED",
        signals: [],
      },
    ]);
  });

  it("vehicle-error.compatibility.json lists the unsupported signal", () => {
    expect(normaliseFixture("vehicle-error.compatibility.json").errors).toEqual([
      {
        type: "COMPATIBILITY",
        code: "VEHICLE_NOT_CAPABLE",
        state: "ERROR",
        description: "The vehicle is incapable of performing your request.",
        resolutionType: "CONTACT_SUPPORT",
        signals: ["location-isathome"],
      },
    ]);
  });

  it("vehicle-error.unreachable-resolved.json is RESOLVED", () => {
    expect(normaliseFixture("vehicle-error.unreachable-resolved.json").errors).toEqual([
      {
        type: "VEHICLE_STATE",
        code: "UNREACHABLE",
        state: "RESOLVED",
        description: "The vehicle is now reachable.",
        resolutionType: null,
        signals: ["location-preciselocation"],
      },
    ]);
  });

  it("vehicle-error.permission-variant.json: no top-level vehicleId, signals as dotted strings", () => {
    const event = normaliseFixture("vehicle-error.permission-variant.json");
    expect(event.vehicleId).toBe(TESLA_ID);
    expect(event.errors).toEqual([
      {
        type: "PERMISSION",
        code: null,
        state: "ERROR",
        description: "Required permission not granted by user.",
        resolutionType: "REAUTHENTICATE",
        signals: ["vehicleidentification-nickname"],
      },
    ]);
  });

  it("VERIFY and legacy bodies carry no signals or errors", () => {
    expect(normaliseFixture("verify.json")).toMatchObject({ eventType: "VERIFY", signals: [], errors: [] });
    expect(normaliseFixture("legacy-v2.scheduled.json")).toMatchObject({
      eventId: "",
      eventType: "UNKNOWN",
      signals: [],
      errors: [],
    });
  });
});

describe("normaliseEvent on odd VEHICLE_STATE input", () => {
  it("warns when data.signals is not an array", () => {
    const event = stateEvent({ code: "charge-ischarging" });
    expect(event.signals).toEqual([]);
    expect(event.warnings).toEqual(["data.signals is not an array"]);
  });

  it("warns when data or data.signals is missing", () => {
    expect(normaliseEvent({ eventId: "e1", eventType: "VEHICLE_STATE" }).warnings).toEqual(["data.signals is missing"]);
    expect(normaliseEvent({ eventId: "e1", eventType: "VEHICLE_STATE", data: "x" }).warnings).toEqual([
      "data.signals is missing",
    ]);
  });

  it("skips a signal that is not an object and keeps the others", () => {
    const event = stateEvent([{ code: "charge-ischarging", body: { value: true } }, 42, null]);
    expect(event.signals.map((s) => s.code)).toEqual(["charge-ischarging"]);
    expect(event.warnings).toEqual([
      "data.signals[1]: not an object; skipped",
      "data.signals[2]: not an object; skipped",
    ]);
  });

  it("derives a missing code from group and name, lower-cases codes, keeps unknown codes", () => {
    const event = stateEvent([
      { group: "TractionBattery", name: "StateOfCharge", body: { value: 1 } },
      { code: "Charge-IsCharging", body: { value: false } },
      { code: "futuregroup-newthing", body: { value: "?" } },
    ]);
    expect(event.signals.map((s) => s.code)).toEqual([
      "tractionbattery-stateofcharge",
      "charge-ischarging",
      "futuregroup-newthing",
    ]);
    expect(event.warnings).toEqual([]);
  });

  it("skips a signal with no usable code, or with neither a body nor an error", () => {
    const event = stateEvent([
      { name: "Orphan", body: { value: 1 } },
      { code: "", body: { value: 1 } },
      { code: "charge-voltage", status: { value: "SUCCESS" } },
      { code: "charge-amperage", body: null },
    ]);
    expect(event.signals).toEqual([]);
    expect(event.warnings).toEqual([
      "data.signals[0]: no code and no group/name; skipped",
      "data.signals[1]: no code and no group/name; skipped",
      "data.signals[2] (charge-voltage): neither a body nor an error; skipped",
      "data.signals[3] (charge-amperage): neither a body nor an error; skipped",
    ]);
  });

  it("records a failure without details as UNKNOWN and drops a body sent alongside an error", () => {
    const event = stateEvent([
      { code: "charge-voltage", status: { value: "error" } },
      {
        code: "charge-amperage",
        body: { value: 3 },
        status: { value: "ERROR", error: { type: "UPSTREAM_ERROR", code: "RATE_LIMIT" } },
      },
    ]);
    expect(event.signals.map((s) => [s.code, s.body, s.error])).toEqual([
      ["charge-voltage", null, { type: "UNKNOWN", code: null }],
      ["charge-amperage", null, { type: "UPSTREAM", code: "RATE_LIMIT" }],
    ]);
    expect(event.warnings).toEqual(["data.signals[0] (charge-voltage): failed without an error type"]);
  });

  it("reads ISO timestamps, ignores unreadable ones, and prefers fetchedAt over retrievedAt", () => {
    const event = stateEvent([
      {
        code: "a-b",
        body: { value: 1 },
        meta: { oemUpdatedAt: "2025-11-29T08:00:00.000Z", retrievedAt: "2025-11-29T08:00:01.000Z" },
      },
      { code: "c-d", body: { value: 1 }, meta: { oemUpdatedAt: "yesterday", fetchedAt: 2, retrievedAt: 3 } },
      { code: "e-f", body: { value: 1 }, meta: "nope" },
    ]);
    expect(event.signals.map((s) => [s.oemUpdatedAt, s.retrievedAt])).toEqual([
      [1764403200000, 1764403201000],
      [null, 2],
      [null, null],
    ]);
  });

  it("tolerates odd unit, vehicle and trigger values", () => {
    const event = normaliseEvent({
      eventId: "e1",
      eventType: "VEHICLE_STATE",
      triggers: "FIRST_DELIVERY",
      data: {
        vehicle: { make: 1, model: "X", year: "2020" },
        signals: [{ code: "a-b", body: { value: 1, unit: 7 } }],
        triggers: [null, 3],
      },
    });
    expect(event.signals[0]?.unit).toBeNull();
    expect(event.vehicle).toEqual({ make: null, model: "X", year: null });
    expect(event.isFirstDelivery).toBe(false);
  });

  it("ignores signals of event types other than VEHICLE_STATE", () => {
    const event = normaliseEvent({
      eventId: "e1",
      eventType: "VEHICLE_DANCE",
      data: { signals: [{ code: "a-b", body: {} }] },
    });
    expect(event).toMatchObject({ eventType: "VEHICLE_DANCE", signals: [], errors: [], warnings: [] });
  });

  it.each([[null], [[]], ["text"], [7]])("does not throw on the non-object payload %j", (payload) => {
    const event = normaliseEvent(payload);
    expect(event).toMatchObject({ eventId: "", eventType: "UNKNOWN", vehicleId: null, signals: [], errors: [] });
    expect(event.warnings).toEqual(["payload is not an object", "payload has no eventId"]);
  });
});

describe("normaliseEvent on odd VEHICLE_ERROR input", () => {
  it("warns when data.errors is missing", () => {
    const event = normaliseEvent({ eventId: "e1", eventType: "VEHICLE_ERROR", data: {} });
    expect(event.errors).toEqual([]);
    expect(event.warnings).toEqual(["data.errors is missing"]);
  });

  it("skips errors that are not objects or have no type", () => {
    const event = errorEvent(["boom", { code: "ASLEEP" }, { type: "VEHICLE_STATE", code: "ASLEEP" }]);
    expect(event.errors).toMatchObject([{ type: "VEHICLE_STATE", code: "ASLEEP", state: "ERROR", signals: [] }]);
    expect(event.warnings).toEqual(["data.errors[0]: not an object; skipped", "data.errors[1]: no type; skipped"]);
  });

  it("reads states case-insensitively and flags unknown ones as ERROR", () => {
    const event = errorEvent([
      { type: "VEHICLE_STATE", code: "ASLEEP", state: "resolved" },
      { type: "VEHICLE_STATE", code: "ASLEEP", state: "PENDING" },
    ]);
    expect(event.errors.map((e) => e.state)).toEqual(["RESOLVED", "ERROR"]);
    expect(event.warnings).toEqual(['data.errors[1]: unknown state "PENDING", treated as ERROR']);
  });

  it("reads every form of error signal and skips unusable ones", () => {
    const event = errorEvent([
      {
        type: "COMPATIBILITY",
        code: "VEHICLE_NOT_CAPABLE",
        signals: [
          { code: "Location-IsAtHome", name: "IsAtHome", group: "Location" },
          { name: "Nickname", group: "VehicleIdentification" },
          "Charge.ChargeLimits",
          "closure-islocked",
          42,
          {},
        ],
      },
      { type: "PERMISSION", signals: "Charge.IsCharging" },
    ]);
    expect(event.errors.map((e) => e.signals)).toEqual([
      ["location-isathome", "vehicleidentification-nickname", "charge-chargelimits", "closure-islocked"],
      [],
    ]);
    expect(event.warnings).toEqual([
      "data.errors[0].signals[4]: no usable signal code; skipped",
      "data.errors[0].signals[5]: no usable signal code; skipped",
      "data.errors[1].signals is not an array",
    ]);
  });
});
