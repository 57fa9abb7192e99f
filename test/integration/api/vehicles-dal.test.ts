import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";

// Modules that read the configuration are imported after DATABASE_URL points at this file's database.
let db: TestDatabase;
let dal: typeof import("@/lib/dal/vehicles");
let prisma: typeof import("@/lib/db/prisma").prisma;

const now = new Date("2026-01-10T12:00:00.000Z");
const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  db = await createTestDatabase("dal_vehicles");
  process.env.DATABASE_URL = db.url;
  dal = await import("@/lib/dal/vehicles");
  ({ prisma } = await import("@/lib/db/prisma"));

  await prisma().vehicle.create({
    data: {
      vehicleId: "veh-tesla",
      make: "TESLA",
      model: "Model 3",
      year: 2021,
      lastSeenAt: at("2026-01-10T11:55:00.250Z"),
      recentGaps: [300, 310, 290],
      needsReauth: false,
      signals: {
        create: [
          {
            code: "tractionbattery-stateofcharge",
            name: "StateOfCharge",
            group: "TractionBattery",
            status: "OK",
            body: { unit: "percent", value: 81 },
            unit: "percent",
            oemUpdatedAt: at("2026-01-10T11:55:00.000Z"),
            retrievedAt: at("2026-01-10T11:55:02.100Z"),
            keyAt: at("2026-01-10T11:55:00.000Z"),
            keyTie: at("2026-01-10T11:55:02.100Z"),
            since: at("2026-01-10T11:55:00.000Z"),
            eventId: "ev-2",
          },
          {
            code: "location-preciselocation",
            name: "PreciseLocation",
            group: "Location",
            status: "OK",
            body: { latitude: 48.13743, longitude: 11.57549, heading: 270, locationType: "LAST_PARKED" },
            oemUpdatedAt: at("2026-01-10T11:00:00.000Z"),
            retrievedAt: at("2026-01-10T11:55:01.900Z"),
            keyAt: at("2026-01-10T11:00:00.000Z"),
            keyTie: at("2026-01-10T11:55:01.900Z"),
            since: at("2026-01-10T11:00:00.000Z"),
            eventId: "ev-2",
          },
          {
            // A failure keeps the last good body.
            code: "charge-chargetimers",
            name: "ChargeTimers",
            group: "Charge",
            status: "ERROR",
            body: { values: [] },
            keyAt: at("2026-01-10T11:55:02.100Z"),
            keyTie: at("2026-01-10T11:55:02.100Z"),
            since: at("2026-01-10T11:55:02.100Z"),
            errorType: "SERVER",
            errorCode: "INTERNAL",
            eventId: "ev-2",
          },
        ],
      },
      conditions: {
        create: [
          {
            type: "VEHICLE_STATE",
            code: "UNREACHABLE",
            state: "RESOLVED",
            resolvedAt: at("2026-01-10T10:00:00.000Z"),
            stateAt: at("2026-01-10T10:00:00.000Z"),
            lastEventId: "ev-0",
            lastReportedAt: at("2026-01-10T10:00:00.000Z"),
          },
          {
            type: "PERMISSION",
            state: "RESOLVED",
            description: "Permission granted again.",
            resolutionType: "REAUTHENTICATE",
            signals: ["vehicleidentification-nickname"],
            openedAt: at("2026-01-09T08:00:00.000Z"),
            resolvedAt: at("2026-01-09T09:00:00.000Z"),
            stateAt: at("2026-01-09T09:00:00.000Z"),
            lastEventId: "ev-1",
            lastReportedAt: at("2026-01-09T09:00:00.000Z"),
          },
        ],
      },
    },
  });
});

afterAll(async () => {
  const { closePool } = await import("@/lib/db/pool");
  await closePool();
  await db?.drop();
});

describe("getVehicleResource", () => {
  it("maps the vehicle, its signals (by code) and conditions; a viewer gets a coarse location", async () => {
    expect(await dal.getVehicleResource("veh-tesla", { viewerRole: "viewer", now })).toStrictEqual({
      vehicleId: "veh-tesla",
      make: "TESLA",
      model: "Model 3",
      year: 2021,
      lastSeenAt: "2026-01-10T11:55:00.250Z",
      health: "OK",
      needsReauth: false,
      signals: [
        {
          code: "charge-chargetimers",
          name: "ChargeTimers",
          group: "Charge",
          status: "ERROR",
          body: { values: [] },
          unit: null,
          oemUpdatedAt: null,
          retrievedAt: null,
          since: "2026-01-10T11:55:02.100Z",
          error: { type: "SERVER", code: "INTERNAL" },
        },
        {
          code: "location-preciselocation",
          name: "PreciseLocation",
          group: "Location",
          status: "OK",
          body: { latitude: 48.14, longitude: 11.58, heading: 270, locationType: "LAST_PARKED" },
          unit: null,
          oemUpdatedAt: "2026-01-10T11:00:00.000Z",
          retrievedAt: "2026-01-10T11:55:01.900Z",
          since: "2026-01-10T11:00:00.000Z",
          error: null,
        },
        {
          code: "tractionbattery-stateofcharge",
          name: "StateOfCharge",
          group: "TractionBattery",
          status: "OK",
          body: { unit: "percent", value: 81 },
          unit: "percent",
          oemUpdatedAt: "2026-01-10T11:55:00.000Z",
          retrievedAt: "2026-01-10T11:55:02.100Z",
          since: "2026-01-10T11:55:00.000Z",
          error: null,
        },
      ],
      conditions: [
        {
          type: "VEHICLE_STATE",
          code: "UNREACHABLE",
          state: "RESOLVED",
          description: null,
          resolutionType: null,
          signals: [],
          openedAt: null,
          resolvedAt: "2026-01-10T10:00:00.000Z",
        },
        {
          type: "PERMISSION",
          // Stored as "" (part of the key), shown as null.
          code: null,
          state: "RESOLVED",
          description: "Permission granted again.",
          resolutionType: "REAUTHENTICATE",
          signals: ["vehicleidentification-nickname"],
          openedAt: "2026-01-09T08:00:00.000Z",
          resolvedAt: "2026-01-09T09:00:00.000Z",
        },
      ],
    });
  });

  it("gives support and admin the precise location", async () => {
    for (const viewerRole of ["support", "admin"] as const) {
      const vehicle = await dal.getVehicleResource("veh-tesla", { viewerRole, now });
      expect(vehicle?.signals.find((s) => s.code === "location-preciselocation")?.body).toStrictEqual({
        latitude: 48.13743,
        longitude: 11.57549,
        heading: 270,
        locationType: "LAST_PARKED",
      });
    }
  });

  it("is SILENT once quiet for longer than max(3 × median gap, 60 min)", async () => {
    const later = new Date(at("2026-01-10T11:55:00.250Z").getTime() + 61 * 60_000);
    expect((await dal.getVehicleResource("veh-tesla", { viewerRole: "viewer", now: later }))?.health).toBe("SILENT");
  });

  it("is OPEN_ERRORS with a condition in state ERROR, listed first", async () => {
    await prisma().vehicleCondition.create({
      data: {
        vehicleId: "veh-tesla",
        type: "VEHICLE_STATE",
        code: "ASLEEP",
        state: "ERROR",
        openedAt: at("2026-01-10T09:00:00.000Z"),
        stateAt: at("2026-01-10T09:00:00.000Z"),
        lastEventId: "ev-3",
        lastReportedAt: at("2026-01-10T09:00:00.000Z"),
      },
    });
    const vehicle = await dal.getVehicleResource("veh-tesla", { viewerRole: "viewer", now });
    expect(vehicle?.health).toBe("OPEN_ERRORS");
    expect(vehicle?.conditions.map((c) => [c.code, c.state])).toStrictEqual([
      ["ASLEEP", "ERROR"],
      ["UNREACHABLE", "RESOLVED"],
      [null, "RESOLVED"],
    ]);
  });

  it("is NEEDS_REAUTH above everything else", async () => {
    await prisma().vehicle.update({ where: { vehicleId: "veh-tesla" }, data: { needsReauth: true } });
    expect(await dal.getVehicleResource("veh-tesla", { viewerRole: "viewer", now })).toMatchObject({ health: "NEEDS_REAUTH", needsReauth: true });
  });

  it("maps a bare vehicle and returns null for an unknown one", async () => {
    await prisma().vehicle.create({ data: { vehicleId: "veh-bare" } });
    expect(await dal.getVehicleResource("veh-bare", { viewerRole: "viewer", now })).toStrictEqual({
      vehicleId: "veh-bare",
      make: null,
      model: null,
      year: null,
      lastSeenAt: null,
      health: "OK",
      needsReauth: false,
      signals: [],
      conditions: [],
    });
    expect(await dal.getVehicleResource("nope", { viewerRole: "viewer", now })).toBeNull();
  });
});
