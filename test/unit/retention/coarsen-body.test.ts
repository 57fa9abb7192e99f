import { describe, expect, it } from "vitest";
import { coarsenRawBody, coarsenSignalBody } from "@/lib/retention/coarsen-body";
import { normaliseEvent } from "@/lib/smartcar/normalise";
import { coarsenLocation, redactSignalBody } from "@/lib/vehicles/redact-location";

const precise = { latitude: 48.13743, longitude: 11.57549, heading: 270, locationType: "LAST_PARKED" };

// Docs shape: top-level vehicleId, signal with code. Real-traffic shape: vehicle only in data,
// the signal named by group/name without a code.
const docsShape = JSON.stringify({
  eventId: "e-docs",
  eventType: "VEHICLE_STATE",
  vehicleId: "v1",
  data: { vehicle: { id: "v1" }, signals: [{ code: "location-preciselocation", body: precise }, { code: "odometer-traveleddistance", body: { value: 1234.567 } }] },
  meta: { deliveredAt: 1 },
});
const realShape = JSON.stringify({
  eventId: "e-real",
  eventType: "VEHICLE_STATE",
  data: { vehicle: { id: "v1" }, signals: [{ group: "Location", name: "PreciseLocation", body: precise, status: { value: "SUCCESS" } }] },
  triggers: [{ type: "SIGNAL_CHANGED", signal: { group: "Location", name: "PreciseLocation" } }],
});

const locationBodies = (raw: string) =>
  normaliseEvent(JSON.parse(raw))
    .signals.filter((s) => s.code === "location-preciselocation")
    .map((s) => s.body);

describe("coarsenRawBody", () => {
  it.each([["docs shape", docsShape], ["real-traffic shape", realShape]])(
    "rounds the location signal of the %s exactly as viewers see it, and nothing else",
    (_, raw) => {
      const coarse = coarsenRawBody(raw);
      if (coarse === null) throw new Error("expected a rewrite");
      expect(locationBodies(raw)).toHaveLength(1);
      expect(locationBodies(coarse)).toEqual(locationBodies(raw).map((b) => redactSignalBody("location-preciselocation", b, "viewer")));
      expect(locationBodies(coarse)).toEqual([{ latitude: 48.14, longitude: 11.58, heading: 270, locationType: "LAST_PARKED" }]);
      const other = (body: string) => normaliseEvent(JSON.parse(body)).signals.filter((s) => s.code !== "location-preciselocation");
      expect(other(coarse)).toEqual(other(raw));
    },
  );

  it("rounds coordinates wherever they are, a legacy v2 body included", () => {
    const legacy = JSON.stringify({ version: "2.0", eventName: "schedule", payload: { location: { latitude: -33.86785, longitude: 151.20732 } } });
    expect(JSON.parse(coarsenRawBody(legacy) ?? "null")).toEqual({ version: "2.0", eventName: "schedule", payload: { location: { latitude: -33.87, longitude: 151.21 } } });
  });

  it("changes nothing without coordinates, when already coarse, or when the body is not JSON", () => {
    expect(coarsenRawBody(JSON.stringify({ eventId: "e", data: { signals: [{ code: "closure-islocked", body: { value: true } }] } }))).toBeNull();
    const once = coarsenRawBody(docsShape);
    expect(once).not.toBeNull();
    expect(coarsenRawBody(once ?? "")).toBeNull();
    expect(coarsenRawBody("not json {")).toBeNull();
  });
});

describe("coarsenSignalBody", () => {
  it("is the viewer rounding, as JSON, and null once coarse", () => {
    const coarse = coarsenSignalBody(precise);
    expect(coarse).toBe(JSON.stringify(coarsenLocation(precise)));
    expect(coarsenSignalBody(JSON.parse(coarse ?? "null"))).toBeNull();
  });

  it("fails closed on coordinates that are not numbers", () => {
    expect(JSON.parse(coarsenSignalBody({ latitude: "48.13743", longitude: 11.5 }) ?? "null")).toEqual({ latitude: null, longitude: 11.5 });
  });
});
