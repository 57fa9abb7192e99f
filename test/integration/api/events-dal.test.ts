import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Prisma } from "@/lib/db/generated/client";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";

// Modules that read the configuration are imported after DATABASE_URL points at this file's database.
let db: TestDatabase;
let dal: typeof import("@/lib/dal/events");
let prisma: typeof import("@/lib/db/prisma").prisma;

const fixture = (name: string) => readFileSync(path.join(process.cwd(), "test", "fixtures", "smartcar", name), "utf8");

beforeAll(async () => {
  db = await createTestDatabase("dal_events");
  process.env.DATABASE_URL = db.url;
  dal = await import("@/lib/dal/events");
  ({ prisma } = await import("@/lib/db/prisma"));
});

afterAll(async () => {
  const { closePool } = await import("@/lib/db/pool");
  await closePool();
  await db?.drop();
});

async function storeEvent(eventId: string, fields: Partial<Prisma.EventUncheckedCreateInput> = {}) {
  await prisma().event.create({
    data: { eventId, eventType: "VEHICLE_STATE", rawBody: "{}", bodyBytes: 2, receivedAt: new Date("2026-01-10T12:00:00.123Z"), ...fields },
  });
}

describe("getEventResource", () => {
  it("maps every column of a dead-lettered event", async () => {
    await storeEvent("ev-dead", {
      vehicleId: "veh-1",
      mode: "LIVE",
      status: "DEAD_LETTERED",
      dispatchedAt: new Date("2026-01-10T12:00:00.500Z"),
      deliveryCount: 3,
      attempts: 4,
      redrives: 1,
      signalsApplied: 2,
      signalsStale: 1,
      signalsFailed: 5,
      errorReason: "NO_VEHICLE_ID",
      errorMessage: "no vehicle id anywhere in the payload",
      errorAt: new Date("2026-01-10T12:00:01Z"),
    });

    expect(await dal.getEventResource("ev-dead")).toStrictEqual({
      eventId: "ev-dead",
      eventType: "VEHICLE_STATE",
      vehicleId: "veh-1",
      mode: "LIVE",
      status: "DEAD_LETTERED",
      outcome: null,
      receivedAt: "2026-01-10T12:00:00.123Z",
      dispatchedAt: "2026-01-10T12:00:00.500Z",
      processedAt: null,
      deliveries: 3,
      attempts: 4,
      redrives: 1,
      signals: { applied: 2, stale: 1, failed: 5 },
      error: { reason: "NO_VEHICLE_ID", message: "no vehicle id anywhere in the payload", at: "2026-01-10T12:00:01.000Z" },
    });
  });

  it("maps a processed event with defaults, and no error as null", async () => {
    await storeEvent("ev-ok", { mode: "TEST", status: "PROCESSED", outcome: "TEST_NOT_APPLIED", processedAt: new Date("2026-01-10T12:00:02.004Z") });

    expect(await dal.getEventResource("ev-ok")).toStrictEqual({
      eventId: "ev-ok",
      eventType: "VEHICLE_STATE",
      vehicleId: null,
      mode: "TEST",
      status: "PROCESSED",
      outcome: "TEST_NOT_APPLIED",
      receivedAt: "2026-01-10T12:00:00.123Z",
      dispatchedAt: null,
      processedAt: "2026-01-10T12:00:02.004Z",
      deliveries: 1,
      attempts: 0,
      redrives: 0,
      signals: { applied: 0, stale: 0, failed: 0 },
      error: null,
    });
  });

  it("reports a mode it does not know as null", async () => {
    await storeEvent("ev-odd-mode", { mode: "SANDBOX" });
    expect((await dal.getEventResource("ev-odd-mode"))?.mode).toBeNull();
  });

  it("returns null for an unknown id", async () => {
    expect(await dal.getEventResource("nope")).toBeNull();
  });
});

describe("listEventDeliveries", () => {
  it("lists the delivery rows oldest first", async () => {
    await storeEvent("ev-deliveries", { deliveryCount: 2 });
    const retry = await prisma().delivery.create({
      data: {
        eventId: "ev-deliveries",
        deliveryId: "d-2",
        deliveredAt: new Date("2026-01-10T12:00:25.000Z"),
        receivedAt: new Date("2026-01-10T12:00:25.100Z"),
        duplicate: true,
        tokenSlot: "previous",
        bodyBytes: 812,
        userAgent: "Smartcar/1.0",
      },
    });
    const first = await prisma().delivery.create({
      data: { eventId: "ev-deliveries", receivedAt: new Date("2026-01-10T12:00:00.123Z"), tokenSlot: "current", bodyBytes: 812 },
    });

    expect(await dal.listEventDeliveries("ev-deliveries")).toStrictEqual([
      {
        id: first.id.toString(),
        deliveryId: null,
        deliveredAt: null,
        receivedAt: "2026-01-10T12:00:00.123Z",
        duplicate: false,
        tokenSlot: "current",
        bodyBytes: 812,
        userAgent: null,
      },
      {
        id: retry.id.toString(),
        deliveryId: "d-2",
        deliveredAt: "2026-01-10T12:00:25.000Z",
        receivedAt: "2026-01-10T12:00:25.100Z",
        duplicate: true,
        tokenSlot: "previous",
        bodyBytes: 812,
        userAgent: "Smartcar/1.0",
      },
    ]);
  });

  it("tells an event without deliveries (empty) from an unknown event (null)", async () => {
    await storeEvent("ev-no-deliveries");
    expect(await dal.listEventDeliveries("ev-no-deliveries")).toStrictEqual([]);
    expect(await dal.listEventDeliveries("nope")).toBeNull();
  });
});

describe("listEventAttempts", () => {
  it("lists processing attempts oldest first", async () => {
    await storeEvent("ev-attempts", { attempts: 2 });
    const second = await prisma().processingAttempt.create({
      data: {
        eventId: "ev-attempts",
        attempt: 2,
        runId: "run-1",
        startedAt: new Date("2026-01-10T12:01:00.000Z"),
        finishedAt: new Date("2026-01-10T12:01:00.250Z"),
        result: "ok",
        outcome: "APPLIED",
      },
    });
    const first = await prisma().processingAttempt.create({
      data: {
        eventId: "ev-attempts",
        attempt: 1,
        runId: "run-1",
        startedAt: new Date("2026-01-10T12:00:01.000Z"),
        finishedAt: new Date("2026-01-10T12:00:01.300Z"),
        result: "error",
        error: "deadlock detected",
        stack: "Error: deadlock detected\n    at apply",
      },
    });

    expect(await dal.listEventAttempts("ev-attempts")).toStrictEqual([
      {
        id: first.id.toString(),
        attempt: 1,
        runId: "run-1",
        startedAt: "2026-01-10T12:00:01.000Z",
        finishedAt: "2026-01-10T12:00:01.300Z",
        result: "error",
        outcome: null,
        error: "deadlock detected",
        stack: "Error: deadlock detected\n    at apply",
      },
      {
        id: second.id.toString(),
        attempt: 2,
        runId: "run-1",
        startedAt: "2026-01-10T12:01:00.000Z",
        finishedAt: "2026-01-10T12:01:00.250Z",
        result: "ok",
        outcome: "APPLIED",
        error: null,
        stack: null,
      },
    ]);
    expect(await dal.listEventAttempts("nope")).toBeNull();
  });
});

describe("listEventSignals", () => {
  beforeAll(async () => {
    await storeEvent("ev-real-shape", { rawBody: fixture("vehicle-state.real-shape.json") });
    await storeEvent("ev-docs-shape", { rawBody: fixture("vehicle-state.docs-shape.json") });
    await storeEvent("ev-vehicle-error", { eventType: "VEHICLE_ERROR", rawBody: fixture("vehicle-error.compatibility.json") });
    await storeEvent("ev-legacy", { eventType: "LEGACY_V2", rawBody: fixture("legacy-v2.scheduled.json") });
    await storeEvent("ev-purged", { rawBody: null, payloadPurgedAt: new Date() });
  });

  it("lists every signal of a real-shape payload in payload order, failures included", async () => {
    const signals = await dal.listEventSignals("ev-real-shape", { viewerRole: "support" });

    expect(signals?.map((s) => s.code)).toStrictEqual([
      "tractionbattery-stateofcharge",
      "tractionbattery-range",
      "charge-ischarging",
      "charge-detailedchargingstatus",
      "charge-wattage",
      "charge-voltage",
      "odometer-traveleddistance",
      "location-preciselocation",
      "closure-islocked",
      "closure-doors",
      "wheel-tires",
      "lowvoltagebattery-stateofcharge",
      "connectivitystatus-isonline",
      "vehicleidentification-vin",
      "location-isathome",
      "charge-chargetimers",
    ]);
    expect(signals?.[0]).toStrictEqual({
      code: "tractionbattery-stateofcharge",
      name: "StateOfCharge",
      group: "TractionBattery",
      status: "OK",
      // Stored, not processed yet: nothing to say about its outcome.
      outcome: null,
      body: { unit: "percent", value: 81 },
      unit: "percent",
      error: null,
      oemUpdatedAt: "2025-11-29T08:05:00.000Z",
      retrievedAt: "2025-11-29T08:05:02.100Z",
    });
    expect(signals?.[15]).toStrictEqual({
      code: "charge-chargetimers",
      name: "ChargeTimers",
      group: "Charge",
      status: "ERROR",
      outcome: null,
      body: null,
      unit: null,
      error: { type: "SERVER", code: "INTERNAL" },
      oemUpdatedAt: null,
      retrievedAt: null,
    });
    expect(signals?.[7]?.body).toStrictEqual({ latitude: 48.13743, longitude: 11.57549, heading: 270, locationType: "LAST_PARKED" });
  });

  it("coarsens the precise location for viewers", async () => {
    const signals = await dal.listEventSignals("ev-real-shape", { viewerRole: "viewer" });
    expect(signals?.find((s) => s.code === "location-preciselocation")?.body).toStrictEqual({
      latitude: 48.14,
      longitude: 11.58,
      heading: 270,
      locationType: "LAST_PARKED",
    });
  });

  it("reads meta.fetchedAt of the newest docs' shape as retrievedAt", async () => {
    const [first] = (await dal.listEventSignals("ev-docs-shape", { viewerRole: "admin" })) ?? [];
    expect(first).toMatchObject({ code: "tractionbattery-stateofcharge", oemUpdatedAt: "2025-11-29T08:00:00.000Z", retrievedAt: "2025-11-29T08:00:02.100Z" });
  });

  it("is empty for events that carry no signals", async () => {
    expect(await dal.listEventSignals("ev-vehicle-error", { viewerRole: "viewer" })).toStrictEqual([]);
    expect(await dal.listEventSignals("ev-legacy", { viewerRole: "viewer" })).toStrictEqual([]);
  });

  describe("outcome per signal", () => {
    const processed = (eventId: string, fields: Partial<Prisma.EventUncheckedCreateInput>) =>
      storeEvent(eventId, { rawBody: fixture("vehicle-state.real-shape.json"), status: "PROCESSED", processedAt: new Date(), ...fields });
    const outcomes = async (eventId: string) => {
      const signals = (await dal.listEventSignals(eventId, { viewerRole: "viewer" })) ?? [];
      return Object.fromEntries(signals.map((s) => [s.code, s.outcome]));
    };

    it("APPLIED, STALE for the codes processing found not newer, FAILED for errors — once APPLIED", async () => {
      await processed("ev-applied", { outcome: "APPLIED", signalsApplied: 12, signalsStale: 2, signalsFailed: 2, staleSignals: ["tractionbattery-range", "closure-doors"] });
      const byCode = await outcomes("ev-applied");
      expect(byCode).toMatchObject({
        "tractionbattery-stateofcharge": "APPLIED",
        "tractionbattery-range": "STALE",
        "closure-doors": "STALE",
        "location-isathome": "FAILED",
        "charge-chargetimers": "FAILED",
      });
      expect(Object.values(byCode).filter((o) => o === "APPLIED")).toHaveLength(12);
    });

    it("STALE for every signal that did not fail when the event was ALL_STALE", async () => {
      await processed("ev-all-stale", { outcome: "ALL_STALE", signalsStale: 14, signalsFailed: 2 });
      const byCode = await outcomes("ev-all-stale");
      expect(Object.values(byCode).filter((o) => o === "STALE")).toHaveLength(14);
      expect(byCode).toMatchObject({ "location-isathome": "FAILED", "charge-chargetimers": "FAILED" });
    });

    it("null until processed, for outcomes that applied nothing, and where stale codes were not recorded", async () => {
      await storeEvent("ev-dead-outcome", { rawBody: fixture("vehicle-state.real-shape.json"), status: "DEAD_LETTERED" });
      await processed("ev-test-mode", { outcome: "TEST_NOT_APPLIED" });
      // Processed before stale codes were kept: two were stale, but which is unknown.
      await processed("ev-before-codes", { outcome: "APPLIED", signalsApplied: 12, signalsStale: 2, signalsFailed: 2 });
      for (const eventId of ["ev-real-shape", "ev-dead-outcome", "ev-test-mode", "ev-before-codes"]) {
        expect(new Set(Object.values(await outcomes(eventId))), eventId).toStrictEqual(new Set([null]));
      }
    });
  });

  it("answers PAYLOAD_PURGED once retention removed the body, and null for an unknown event", async () => {
    await expect(dal.listEventSignals("ev-purged", { viewerRole: "viewer" })).rejects.toMatchObject({ code: "PAYLOAD_PURGED", status: 410 });
    expect(await dal.listEventSignals("nope", { viewerRole: "viewer" })).toBeNull();
  });
});
