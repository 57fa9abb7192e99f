import { describe, expect, it } from "vitest";
import { parseJson, readEnvelope } from "@/lib/smartcar/envelope";
import type { Envelope } from "@/lib/smartcar/types";
import { fixtureBytes, fixtureNames } from "./load-fixture";

const enc = new TextEncoder();
const TESLA = "332bc6bb-4f5b-4273-aac1-6949e721b454";
const VW = "04c719f7-4672-4cfa-a682-6ad4e5610348";
const USER = "7b485af3-e078-4161-a79b-e2437ac323c6";

function liveEvent(eventId: string, eventType: string, vehicleId: string, deliveryId: string, deliveredAt: number) {
  return { kind: "event", eventId, eventType, vehicleId, userId: USER, mode: "LIVE", deliveryId, deliveredAt } as const;
}

const EXPECTED: Record<string, Envelope> = {
  "verify.json": { kind: "verify", challenge: "d302d7bd-3d5a-487d-a162-bbaaca71705e", legacy: false },
  "verify.legacy-v2.json": { kind: "verify", challenge: "f0a3943b-d37f-4db5-ad19-907a572e5b65", legacy: true },
  "legacy-v2.scheduled.json": {
    kind: "legacy_v2",
    eventId: "v2:2588d6d9cf0e4a9f2f549d5efffdd85b6f5b023ce66722b80ec3cfb276d4e63f",
    eventType: "LEGACY_V2",
  },
  "vehicle-state.docs-shape.json": liveEvent(
    "5d0a2291-b441-4092-ac66-c12ca2840a28", "VEHICLE_STATE", TESLA, "56b82b4f-afab-403c-a221-04c7c8032297", 1764403202500,
  ),
  "vehicle-state.real-shape.json": liveEvent(
    "035eb387-c0d1-4627-a3e0-426d2dd59716", "VEHICLE_STATE", TESLA, "22a18b87-1081-4a73-af74-eda4b8db4218", 1764403502600,
  ),
  "vehicle-state.first-delivery.json": liveEvent(
    "3d2baf52-731d-46fe-a32c-66ab48e28458", "VEHICLE_STATE", TESLA, "4eca1992-be9c-4bcc-a322-e4753f80cc69", 1764396003000,
  ),
  "vehicle-state.first-delivery.real-shape.json": liveEvent(
    "87bfe6c7-b1ab-4f6b-a85c-70809c62b70b", "VEHICLE_STATE", VW, "938e82bf-a32c-479e-af36-3a69a332ef90", 1764399610000,
  ),
  "vehicle-state.large.json": liveEvent(
    "253ae3db-2bd6-4a5d-a797-e915ac2a5bbc", "VEHICLE_STATE", "e37bf057-49c5-406c-a7d7-24b1879c1052",
    "8f160bb8-fb20-494e-a3bb-9028c55ecc38", 1764403205000,
  ),
  "vehicle-error.compatibility.json": liveEvent(
    "4c39cad8-0fd7-42dc-ac1d-7918952d6045", "VEHICLE_ERROR", TESLA, "d7e3a890-23f2-4573-a5ff-4421b758f11a", 1764403600000,
  ),
  "vehicle-error.unreachable-resolved.json": liveEvent(
    "9b7e41e1-85ca-4cac-a70f-4cd568dc04e5", "VEHICLE_ERROR", TESLA, "17bf3ded-e98c-448a-af14-e66fce8d3f21", 1764404100000,
  ),
  "vehicle-error.permission-variant.json": liveEvent(
    "8ac9fb6a-9e61-4db9-a614-38f5207e544a", "VEHICLE_ERROR", TESLA, "c93e200d-2e23-4d24-a9bf-8fe85d5b590b", 1764404150000,
  ),
  "variants.vehicle-error.json": liveEvent(
    "dd72b326-463b-428b-a8f9-766a90cc1fad", "VEHICLE_ERROR", VW, "772dea1c-8adc-4ce1-ab24-a1d13c430993", 1764403202000,
  ),
  // mode TEST, no top-level vehicleId, deliveredAt as an ISO string.
  "variants.vehicle-state.json": {
    kind: "event",
    eventId: "1d91056a-4be5-4d91-a0a1-ac137c6132e1",
    eventType: "VEHICLE_STATE",
    vehicleId: VW,
    userId: USER,
    mode: "TEST",
    deliveryId: "5b7a464b-6f13-4758-a036-47c6bd81f1b3",
    deliveredAt: 1764403201000,
  },
};

function envelopeOf(body: unknown): Envelope {
  return readEnvelope(body, enc.encode(JSON.stringify(body)));
}

describe("readEnvelope on the fixtures", () => {
  it("has an expectation for every fixture file", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(fixtureNames());
  });

  it.each(Object.entries(EXPECTED))("%s", (name, expected) => {
    const bytes = fixtureBytes(name);
    const parsed = parseJson(bytes);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(readEnvelope(parsed.value, bytes)).toEqual(expected);
  });
});

describe("readEnvelope on odd input", () => {
  it.each([[[]], [null], [42], ["text"], [true]])("calls %j not an object", (body) => {
    expect(envelopeOf(body)).toEqual({ kind: "invalid", reason: "NOT_AN_OBJECT" });
  });

  it.each([{}, { eventId: "" }, { eventId: 42 }, { eventType: "VEHICLE_STATE", data: {} }])(
    "needs a non-empty string eventId: %j",
    (body) => {
      expect(envelopeOf(body)).toEqual({ kind: "invalid", reason: "NO_EVENT_ID" });
    },
  );

  it("keeps unknown event types and defaults a missing one to UNKNOWN, with nulls elsewhere", () => {
    expect(envelopeOf({ eventId: "e1", eventType: "VEHICLE_DANCE" })).toMatchObject({
      kind: "event",
      eventType: "VEHICLE_DANCE",
    });
    expect(envelopeOf({ eventId: "e1" })).toEqual({
      kind: "event",
      eventId: "e1",
      eventType: "UNKNOWN",
      vehicleId: null,
      userId: null,
      mode: null,
      deliveryId: null,
      deliveredAt: null,
    });
  });

  it("prefers the top-level vehicleId over data.vehicle.id", () => {
    expect(envelopeOf({ eventId: "e1", vehicleId: "top", data: { vehicle: { id: "nested" } } })).toMatchObject({
      vehicleId: "top",
    });
    expect(envelopeOf({ eventId: "e1", vehicleId: "", data: { vehicle: { id: "nested" } } })).toMatchObject({
      vehicleId: "nested",
    });
  });

  it("upper-cases LIVE/TEST and drops other modes", () => {
    expect(envelopeOf({ eventId: "e1", meta: { mode: "test" } })).toMatchObject({ mode: "TEST" });
    expect(envelopeOf({ eventId: "e1", meta: { mode: "SANDBOX" } })).toMatchObject({ mode: null });
    expect(envelopeOf({ eventId: "e1", meta: { mode: 1 } })).toMatchObject({ mode: null });
  });

  it("falls back to meta.deliveryTime when deliveredAt is missing or unreadable", () => {
    expect(envelopeOf({ eventId: "e1", meta: { deliveryTime: 1764403201000 } })).toMatchObject({
      deliveredAt: 1764403201000,
    });
    expect(envelopeOf({ eventId: "e1", meta: { deliveredAt: "soon", deliveryTime: 5 } })).toMatchObject({
      deliveredAt: 5,
    });
    expect(envelopeOf({ eventId: "e1", meta: "not-an-object" })).toMatchObject({ deliveredAt: null, deliveryId: null });
  });

  it("does not validate meta.version", () => {
    expect(envelopeOf({ eventId: "e1", eventType: "VEHICLE_STATE", meta: { version: "9.9" } })).toMatchObject({
      kind: "event",
    });
  });

  it("passes an unusable VERIFY challenge through for the receiver to refuse", () => {
    expect(envelopeOf({ eventType: "VERIFY", data: { challenge: { eventId: "x" } } })).toEqual({
      kind: "verify",
      challenge: { eventId: "x" },
      legacy: false,
    });
    expect(envelopeOf({ eventType: "VERIFY" })).toEqual({ kind: "verify", challenge: null, legacy: false });
  });

  it("derives the legacy v2 id from the exact bytes", () => {
    const body = { version: "2.0", eventName: "eventBased", payload: {} };
    const compact = readEnvelope(body, enc.encode(JSON.stringify(body)));
    const spaced = readEnvelope(body, enc.encode(JSON.stringify(body, null, 2)));
    expect(compact).toMatchObject({ kind: "legacy_v2", eventType: "LEGACY_V2" });
    expect(compact.kind === "legacy_v2" && compact.eventId).toMatch(/^v2:[0-9a-f]{64}$/);
    expect(spaced).not.toEqual(compact);
  });

  it("treats a v2-looking body that carries an eventId as an event", () => {
    expect(envelopeOf({ version: "2.0", eventName: "scheduled", eventId: "e1" })).toMatchObject({
      kind: "event",
      eventId: "e1",
    });
  });
});

describe("parseJson", () => {
  it("parses UTF-8 JSON, including a leading byte-order mark", () => {
    expect(parseJson(enc.encode('{"a":"\u00e9"}'))).toEqual({ ok: true, value: { a: "\u00e9" } });
    expect(parseJson(Uint8Array.from([0xef, 0xbb, 0xbf, ...enc.encode("[1]")]))).toEqual({ ok: true, value: [1] });
  });

  it.each(["", "{", "not json", '{"a":1}}'])("reports %j as not JSON", (text) => {
    expect(parseJson(enc.encode(text))).toEqual({ ok: false });
  });

  it("does not throw on invalid UTF-8", () => {
    expect(parseJson(Uint8Array.from([0x22, 0xff, 0x22]))).toEqual({ ok: true, value: "\ufffd" });
  });
});
