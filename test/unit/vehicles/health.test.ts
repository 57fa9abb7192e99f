import { describe, expect, it } from "vitest";
import { silenceThresholdSeconds, vehicleHealth, type VehicleHealthInput } from "@/lib/vehicles/health";

const now = new Date("2026-01-10T12:00:00.000Z");
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);

const healthy: VehicleHealthInput = { needsReauth: false, hasOpenErrors: false, lastSeenAt: minutesAgo(5), recentGaps: [300, 300, 300], now };

describe("vehicleHealth", () => {
  it("is OK for a vehicle that reported recently", () => {
    expect(vehicleHealth(healthy)).toBe("OK");
  });

  it("puts NEEDS_REAUTH before everything else", () => {
    expect(vehicleHealth({ ...healthy, needsReauth: true, hasOpenErrors: true, lastSeenAt: minutesAgo(10_000) })).toBe("NEEDS_REAUTH");
  });

  it("puts OPEN_ERRORS before SILENT", () => {
    expect(vehicleHealth({ ...healthy, hasOpenErrors: true, lastSeenAt: minutesAgo(10_000) })).toBe("OPEN_ERRORS");
  });

  it("is SILENT only past 60 minutes when the vehicle usually reports every few minutes", () => {
    expect(vehicleHealth({ ...healthy, lastSeenAt: minutesAgo(60) })).toBe("OK");
    expect(vehicleHealth({ ...healthy, lastSeenAt: minutesAgo(61) })).toBe("SILENT");
  });

  it("is SILENT past 3 × the median gap when that is longer than an hour", () => {
    // Median of [1 h, 2 h, 10 h] is 2 h → silent after 6 h.
    const hourly = { ...healthy, recentGaps: [36_000, 3_600, 7_200] };
    expect(vehicleHealth({ ...hourly, lastSeenAt: minutesAgo(360) })).toBe("OK");
    expect(vehicleHealth({ ...hourly, lastSeenAt: minutesAgo(361) })).toBe("SILENT");
  });

  it("falls back to 60 minutes without any gaps, and never calls an unseen vehicle silent", () => {
    expect(vehicleHealth({ ...healthy, recentGaps: [], lastSeenAt: minutesAgo(61) })).toBe("SILENT");
    expect(vehicleHealth({ ...healthy, recentGaps: [], lastSeenAt: null })).toBe("OK");
  });
});

describe("silenceThresholdSeconds", () => {
  it("averages the two middle gaps of an even count", () => {
    expect(silenceThresholdSeconds([3_600, 7_200, 10_800, 999_999])).toBe(3 * 9_000);
  });

  it("never drops below one hour", () => {
    expect(silenceThresholdSeconds([10, 20, 30])).toBe(3_600);
    expect(silenceThresholdSeconds([])).toBe(3_600);
  });
});
