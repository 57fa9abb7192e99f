import { describe, expect, it } from "vitest";
import { coarsenLocation, PRECISE_LOCATION_CODE, redactSignalBody, seesPreciseLocation } from "@/lib/vehicles/redact-location";

const precise = { latitude: 48.13743, longitude: 11.57549, heading: 270, locationType: "LAST_PARKED" };

describe("redactSignalBody", () => {
  it("rounds a viewer's precise location to two decimals and keeps the other fields", () => {
    expect(redactSignalBody(PRECISE_LOCATION_CODE, precise, "viewer")).toEqual({
      latitude: 48.14,
      longitude: 11.58,
      heading: 270,
      locationType: "LAST_PARKED",
    });
  });

  it("gives support and admin the location as received", () => {
    expect(redactSignalBody(PRECISE_LOCATION_CODE, precise, "support")).toBe(precise);
    expect(redactSignalBody(PRECISE_LOCATION_CODE, precise, "admin")).toBe(precise);
    expect(seesPreciseLocation("viewer")).toBe(false);
  });

  it("leaves every other signal alone", () => {
    const body = { latitude: 48.13743, value: 1 };
    expect(redactSignalBody("tractionbattery-stateofcharge", body, "viewer")).toBe(body);
  });

  it("does not mutate the stored body", () => {
    const body = { ...precise };
    redactSignalBody(PRECISE_LOCATION_CODE, body, "viewer");
    expect(body).toEqual(precise);
  });
});

describe("coarsenLocation", () => {
  it("handles negative coordinates and rounding near zero", () => {
    expect(coarsenLocation({ latitude: -33.86785, longitude: -0.001 })).toEqual({ latitude: -33.87, longitude: 0 });
  });

  it("fails closed on coordinates that are not finite numbers", () => {
    expect(coarsenLocation({ latitude: "48.13743", longitude: Number.NaN })).toEqual({ latitude: null, longitude: null });
  });

  it("passes through bodies that are not objects (a failed signal has none)", () => {
    expect(coarsenLocation(null)).toBeNull();
    expect(coarsenLocation([1, 2])).toEqual([1, 2]);
    expect(coarsenLocation({ heading: 90 })).toEqual({ heading: 90 });
  });
});
