import { describe, expect, it } from "vitest";
import { dedupeKey, firingAlerts, type AlertThresholds, type Observations, type OutageWindow } from "@/lib/alerts/rules";

const now = new Date("2030-01-10T12:00:00.000Z");
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);

const thresholds: AlertThresholds = {
  windowMinutes: 15,
  signatureFailures: 10,
  previousTokenConfigured: true,
  previousTokenWindowMinutes: 60,
  processingErrorRate: 0.1,
  processingMinAttempts: 20,
  backlogAgeSeconds: 300,
  receiveP95Ms: 5_000,
  receiveMinSamples: 20,
  receiveWindowMinutes: 60,
  deadLetters: 1,
  vehicleAlertsMax: 2,
  outageGraceMinutes: 60,
};

// Everything quiet: no rule fires.
const quiet: Observations = {
  now,
  signatures: { missing: 0, mismatch: 0, lastAt: null },
  verifiedDeliveries: 500,
  previousToken: { deliveries: 0, lastAt: null },
  processing: { attempts: 500, failed: 0 },
  deadLetters: { count: 0, lastAt: null, lastEventId: null, lastReason: null },
  backlog: { pending: 0, processing: 0, oldestEventId: null, oldestWaitingSince: null },
  receiveLatency: { since: minutesAgo(60), buckets: new Map([["50", 400]]) },
  silentVehicles: { total: 0, vehicles: [] },
  reauthVehicles: { total: 0, vehicles: [] },
  outages: [],
};

const fire = (patch: Partial<Observations>, t: Partial<AlertThresholds> = {}) => firingAlerts({ ...quiet, ...patch }, { ...thresholds, ...t });
const rulesOf = (alerts: ReturnType<typeof firingAlerts>) => alerts.map((a) => a.dedupeKey);

describe("firingAlerts", () => {
  it("fires nothing when everything is quiet", () => {
    expect(fire({})).toEqual([]);
  });

  describe("signature failures", () => {
    it("fires at the threshold, counting missing and mismatched signatures together", () => {
      expect(fire({ signatures: { missing: 4, mismatch: 5, lastAt: minutesAgo(1) } })).toEqual([]);
      const [alert] = fire({ signatures: { missing: 4, mismatch: 6, lastAt: minutesAgo(1) } });
      expect(alert).toMatchObject({ rule: "signature_failures", subject: "", dedupeKey: "signature_failures", severity: "warning" });
      expect(alert?.detail).toMatchObject({ signatureMissing: 4, signatureMismatch: 6, verifiedDeliveries: 500, lastAt: minutesAgo(1).toISOString() });
    });

    it("is critical when nothing verified in the window: the configured token is wrong", () => {
      const [alert] = fire({ signatures: { missing: 0, mismatch: 30, lastAt: now }, verifiedDeliveries: 0 });
      expect(alert?.severity).toBe("critical");
      expect(alert?.detail.summary).toMatch(/none verified: check SMARTCAR_MANAGEMENT_TOKEN/);
    });
  });

  describe("previous token", () => {
    it("fires while deliveries verify with the previous token", () => {
      const [alert] = fire({ previousToken: { deliveries: 3, lastAt: minutesAgo(2) } });
      expect(alert).toMatchObject({ rule: "previous_token_in_use", severity: "warning" });
      expect(alert?.detail.summary).toMatch(/not safe to remove it yet/);
    });

    it("stays quiet once no previous token is configured any more", () => {
      expect(fire({ previousToken: { deliveries: 3, lastAt: minutesAgo(2) } }, { previousTokenConfigured: false })).toEqual([]);
    });
  });

  describe("processing error rate", () => {
    it("fires at the rate threshold", () => {
      expect(fire({ processing: { attempts: 100, failed: 9 } })).toEqual([]);
      const [alert] = fire({ processing: { attempts: 100, failed: 10 } });
      expect(alert).toMatchObject({ rule: "processing_error_rate" });
      expect(alert?.detail).toMatchObject({ attempts: 100, failed: 10, rate: 0.1 });
    });

    it("needs a minimum number of attempts, so two failures out of three do not page anyone", () => {
      expect(fire({ processing: { attempts: 19, failed: 19 } })).toEqual([]);
    });
  });

  describe("backlog age", () => {
    it("fires when the oldest waiting event is older than the threshold", () => {
      const backlog = { pending: 40, processing: 2, oldestEventId: "e-1", oldestWaitingSince: minutesAgo(4) };
      expect(fire({ backlog })).toEqual([]);
      const [alert] = fire({ backlog: { ...backlog, oldestWaitingSince: minutesAgo(6) } });
      expect(alert).toMatchObject({ rule: "backlog_age" });
      expect(alert?.detail).toMatchObject({ oldestAgeSeconds: 360, oldestEventId: "e-1", pending: 40, processing: 2 });
      expect(alert?.detail.summary).toBe("The oldest unprocessed event has waited 6 min (threshold 5 min); 40 pending, 2 processing.");
    });
  });

  describe("receive latency", () => {
    it("fires when the p95 of the rollup buckets reaches the threshold", () => {
      // 100 samples: 90 fast, 10 in the 5–15 s bucket → p95 lies half-way into that bucket.
      const slow = new Map([["50", 90], ["15000", 10]]);
      const [alert] = fire({ receiveLatency: { since: minutesAgo(60), buckets: slow } });
      expect(alert).toMatchObject({ rule: "receive_latency" });
      expect(alert?.detail).toMatchObject({ p95Ms: 10_000, samples: 100 });
    });

    it("stays quiet below the threshold and with too few samples", () => {
      expect(fire({ receiveLatency: { since: minutesAgo(60), buckets: new Map([["50", 96], ["15000", 4]]) } })).toEqual([]);
      expect(fire({ receiveLatency: { since: minutesAgo(60), buckets: new Map([["15000", 19]]) } })).toEqual([]);
    });
  });

  describe("dead letters", () => {
    it("fires for dead letters in the window and names the latest", () => {
      const [alert] = fire({ deadLetters: { count: 2, lastAt: minutesAgo(1), lastEventId: "evt-9", lastReason: "NO_VEHICLE_ID" } });
      expect(alert).toMatchObject({ rule: "dead_letters" });
      expect(alert?.detail.summary).toBe("2 events dead-lettered in the last 15 min. Latest: evt-9 (NO_VEHICLE_ID).");
    });
  });

  describe("vehicles", () => {
    const vehicle = (id: string, quietMinutes: number) => ({ vehicleId: id, make: "TESLA", model: "Model 3", year: 2021, lastSeenAt: minutesAgo(quietMinutes), recentGaps: [300] });

    it("opens one alert per vehicle up to the cap, and one fleet alert for the rest", () => {
      const vehicles = [vehicle("v-1", 90), vehicle("v-2", 120), vehicle("v-3", 200)];
      const alerts = fire({ silentVehicles: { total: 5, vehicles } });
      expect(rulesOf(alerts)).toEqual(["vehicle_silent:v-1", "vehicle_silent:v-2", "vehicles_silent"]);
      expect(alerts[0]).toMatchObject({ subject: "v-1", title: "Vehicle silent: 2021 TESLA Model 3 (v-1)" });
      expect(alerts[0]?.detail).toMatchObject({ quietSeconds: 5_400, thresholdSeconds: 3_600 });
      expect(alerts[2]?.detail).toMatchObject({ total: 5, individualAlerts: 2 });
    });

    it("needs no fleet alert while every vehicle has its own", () => {
      expect(rulesOf(fire({ silentVehicles: { total: 2, vehicles: [vehicle("v-1", 90), vehicle("v-2", 90)] } }))).toEqual(["vehicle_silent:v-1", "vehicle_silent:v-2"]);
    });

    it("sums every vehicle up in the fleet alert when per-vehicle alerts are switched off", () => {
      const alerts = fire({ reauthVehicles: { total: 1, vehicles: [{ vehicleId: "v-1", make: null, model: null, year: null, since: minutesAgo(30), conditions: ["PERMISSION"] }] } }, { vehicleAlertsMax: 0 });
      expect(rulesOf(alerts)).toEqual(["vehicles_need_reauth"]);
      expect(alerts[0]?.detail.summary).toBe("1 vehicle is in need of re-authorisation; 0 have an alert of their own, the other 1 are counted here.");
    });

    it("names the conditions of a vehicle needing re-authorisation", () => {
      const [alert] = fire({ reauthVehicles: { total: 1, vehicles: [{ vehicleId: "v-7", make: null, model: null, year: null, since: minutesAgo(30), conditions: ["PERMISSION:TOKEN_EXPIRED"] }] } });
      expect(alert).toMatchObject({ rule: "vehicle_needs_reauth", subject: "v-7", title: "Vehicle needs re-authorisation: vehicle v-7" });
      expect(alert?.detail.summary).toMatch(/Open: PERMISSION:TOKEN_EXPIRED\.$/);
    });
  });

  describe("storage outages", () => {
    const window = (patch: Partial<OutageWindow>): OutageWindow => ({
      id: "7",
      startedAt: minutesAgo(20),
      endedAt: minutesAgo(10),
      mode: "refused",
      refused: 12,
      spooled: 0,
      replayed: 0,
      instance: "web-1:4242",
      alerted: true,
      ...patch,
    });

    it("is critical when deliveries were refused and a warning when they were spooled", () => {
      const alerts = fire({ outages: [window({ id: "7" }), window({ id: "8", mode: "spooled", refused: 0, spooled: 40, replayed: 40 })] });
      expect(alerts.map((a) => [a.dedupeKey, a.severity])).toEqual([
        ["storage_outage:7", "critical"],
        ["storage_outage:8", "warning"],
      ]);
      expect(alerts[0]?.detail.summary).toMatch(/12 deliveries answered 503/);
      expect(alerts[1]?.detail.summary).toMatch(/40 deliveries kept on local disk, 40 replayed/);
    });

    it("fires while ongoing and for the grace period after the end, then stops", () => {
      expect(fire({ outages: [window({ endedAt: null, startedAt: minutesAgo(600) })] })).toHaveLength(1);
      expect(fire({ outages: [window({ endedAt: minutesAgo(59) })] })).toHaveLength(1);
      expect(fire({ outages: [window({ endedAt: minutesAgo(61) })] })).toEqual([]);
    });

    it("fires once for a window reported only after its grace period, so no outage goes unannounced", () => {
      expect(fire({ outages: [window({ endedAt: minutesAgo(600), alerted: false })] })).toHaveLength(1);
    });
  });

  it("keys fleet-wide alerts by rule and the others by rule and subject", () => {
    expect(dedupeKey("backlog_age", "")).toBe("backlog_age");
    expect(dedupeKey("vehicle_silent", "v-1")).toBe("vehicle_silent:v-1");
  });
});
