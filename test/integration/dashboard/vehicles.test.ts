import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testPool } from "../../helpers/db-client";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";
import { insertApiToken } from "./helpers";

// GET /api/v1/vehicles and /vehicles/{id}/history: route handlers in-process against a real
// database; the health filter's SQL is checked against lib/vehicles/health.ts vehicle by vehicle.
let database: TestDatabase;
let db: pg.Pool;
let listRoute: typeof import("@/app/api/v1/vehicles/route");
let historyRoute: typeof import("@/app/api/v1/vehicles/[vehicleId]/history/route");
let vehicleList: typeof import("@/lib/dal/vehicle-list");
let overview: typeof import("@/lib/dal/overview");
let health: typeof import("@/lib/vehicles/health");
let viewerToken: string;
let supportToken: string;

const NOW = Date.now();
const ago = (seconds: number) => new Date(NOW - seconds * 1000);

interface VehicleSeed {
  id: string;
  lastSeenSecondsAgo: number | null;
  gaps?: number[];
  needsReauth?: boolean;
  openCondition?: boolean;
  resolvedCondition?: boolean;
  soc?: unknown;
  range?: unknown;
}

// Each row sits on one side of a rule's edge; ids sort in the order written.
const VEHICLES: VehicleSeed[] = [
  { id: "v01-reauth", lastSeenSecondsAgo: 10, needsReauth: true, openCondition: true },
  { id: "v02-open-error", lastSeenSecondsAgo: 99_999, openCondition: true },
  { id: "v03-resolved-only", lastSeenSecondsAgo: 10, resolvedCondition: true },
  { id: "v04-quiet-61min", lastSeenSecondsAgo: 3_660, gaps: [60, 60, 60] },
  { id: "v05-quiet-59min", lastSeenSecondsAgo: 3_540, gaps: [60, 60, 60] },
  // median 3 000 s → threshold 9 000 s
  { id: "v06-slow-reporter-ok", lastSeenSecondsAgo: 8_000, gaps: [2_000, 3_000, 9_000] },
  { id: "v07-slow-reporter-silent", lastSeenSecondsAgo: 9_100, gaps: [2_000, 3_000, 9_000] },
  // even count: median (2 000 + 4 000) / 2 = 3 000 → threshold 9 000 s
  { id: "v08-even-gaps-silent", lastSeenSecondsAgo: 9_050, gaps: [1_000, 2_000, 4_000, 50_000] },
  { id: "v09-even-gaps-ok", lastSeenSecondsAgo: 8_950, gaps: [1_000, 2_000, 4_000, 50_000] },
  { id: "v10-never-seen", lastSeenSecondsAgo: null },
  { id: "v11-battery", lastSeenSecondsAgo: 5, soc: { value: 81, unit: "percent" }, range: { value: 332, unit: "km" } },
  { id: "v12-miles", lastSeenSecondsAgo: 5, soc: { value: "81" }, range: { value: 100, unit: "miles" } },
];

async function seedVehicles(): Promise<void> {
  for (const v of VEHICLES) {
    await db.query("INSERT INTO vehicle (vehicle_id, make, model, year, last_seen_at, recent_gaps, needs_reauth) VALUES ($1, 'TESLA', 'Model Y', 2024, $2, $3, $4)", [
      v.id,
      v.lastSeenSecondsAgo === null ? null : ago(v.lastSeenSecondsAgo),
      v.gaps ?? [],
      v.needsReauth ?? false,
    ]);
    for (const [state, wanted] of [["ERROR", v.openCondition], ["RESOLVED", v.resolvedCondition]] as const) {
      if (!wanted) continue;
      await db.query(
        "INSERT INTO vehicle_condition (vehicle_id, type, code, state, signals, state_at, last_event_id, last_reported_at) VALUES ($1, 'UPSTREAM', $2, $2, '{}', now(), 'ev', now())",
        [v.id, state],
      );
    }
    for (const [code, body] of [["tractionbattery-stateofcharge", v.soc], ["tractionbattery-range", v.range]] as const) {
      if (body === undefined) continue;
      await db.query(
        "INSERT INTO vehicle_signal (vehicle_id, code, status, body, key_at, key_tie, since, event_id) VALUES ($1, $2, 'OK', $3, now(), now(), now(), 'ev')",
        [v.id, code, JSON.stringify(body)],
      );
    }
  }
}

function expectedHealth(v: VehicleSeed) {
  return health.vehicleHealth({
    needsReauth: v.needsReauth ?? false,
    hasOpenErrors: v.openCondition ?? false,
    lastSeenAt: v.lastSeenSecondsAgo === null ? null : ago(v.lastSeenSecondsAgo),
    recentGaps: v.gaps ?? [],
    now: new Date(NOW),
  });
}

const request = (path: string, token: string | null = viewerToken) =>
  new Request(`http://localhost${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

beforeAll(async () => {
  database = await createTestDatabase("dash_vehicles");
  db = testPool(database.url);
  process.env.DATABASE_URL = database.url;
  listRoute = await import("@/app/api/v1/vehicles/route");
  historyRoute = await import("@/app/api/v1/vehicles/[vehicleId]/history/route");
  vehicleList = await import("@/lib/dal/vehicle-list");
  overview = await import("@/lib/dal/overview");
  health = await import("@/lib/vehicles/health");
  viewerToken = await insertApiToken(db, "viewer");
  supportToken = await insertApiToken(db, "support");
  await seedVehicles();
});

afterAll(async () => {
  const { closePool } = await import("@/lib/db/pool");
  await closePool();
  await db?.end();
  await database?.drop();
});

describe("vehicle health: SQL filter and lib/vehicles/health.ts agree", () => {
  it("covers every health value with the seeded edge cases", () => {
    expect(new Set(VEHICLES.map(expectedHealth))).toEqual(new Set(vehicleList.HEALTH_VALUES));
  });

  it.each(["NEEDS_REAUTH", "OPEN_ERRORS", "SILENT", "OK"] as const)("health=%s lists exactly the vehicles vehicleHealth() puts there", async (value) => {
    const page = await vehicleList.listVehicles({ role: "viewer" }, { health: value, limit: 200 }, { now: new Date(NOW) });
    const expected = VEHICLES.filter((v) => expectedHealth(v) === value).map((v) => v.id);
    expect(page.items.map((i) => i.vehicleId)).toEqual(expected);
    expect(page.items.every((i) => i.health === value)).toBe(true);
  });

  it("counts the same classes on the overview", async () => {
    const { vehicles } = await overview.getOverview({ role: "viewer" }, {}, { now: new Date(NOW) });
    const count = (value: string) => VEHICLES.filter((v) => expectedHealth(v) === value).length;
    expect(vehicles).toEqual({ total: VEHICLES.length, needsReauth: count("NEEDS_REAUTH"), openErrors: count("OPEN_ERRORS"), silent: count("SILENT"), ok: count("OK") });
  });
});

describe("GET /api/v1/vehicles", () => {
  it("answers 401 without credentials and 400 for an unknown health", async () => {
    expect((await listRoute.GET(request("/api/v1/vehicles", null))).status).toBe(401);
    const response = await listRoute.GET(request("/api/v1/vehicles?health=GREAT"));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "INVALID_QUERY", message: expect.stringContaining("health") } });
  });

  it("shows battery and range from the latest signals, range in km", async () => {
    const response = await listRoute.GET(request("/api/v1/vehicles?limit=200"));
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as { items: Record<string, unknown>[] };
    expect(items.find((i) => i.vehicleId === "v11-battery")).toStrictEqual({
      vehicleId: "v11-battery",
      make: "TESLA",
      model: "Model Y",
      year: 2024,
      lastSeenAt: ago(5).toISOString(),
      health: "OK",
      needsReauth: false,
      batteryPercent: 81,
      rangeKm: 332,
    });
    // A non-numeric value is no number; miles are converted.
    expect(items.find((i) => i.vehicleId === "v12-miles")).toMatchObject({ batteryPercent: null, rangeKm: 160.9 });
    expect(items.find((i) => i.vehicleId === "v10-never-seen")).toMatchObject({ batteryPercent: null, rangeKm: null, lastSeenAt: null });
  });

  it("pages by vehicleId without repeats or gaps", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await listRoute.GET(request(`/api/v1/vehicles?limit=5${cursor ? `&cursor=${cursor}` : ""}`));
      const body = (await response.json()) as { items: { vehicleId: string }[]; nextCursor: string | null };
      seen.push(...body.items.map((i) => i.vehicleId));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(VEHICLES.map((v) => v.id));
  });
});

describe("GET /api/v1/vehicles/{id}/history", () => {
  const params = (vehicleId: string) => ({ params: Promise.resolve({ vehicleId }) });
  const SOC = "tractionbattery-stateofcharge";
  const LOCATION = "location-preciselocation";
  const from = new Date(NOW - 48 * 3_600_000);

  beforeAll(async () => {
    // 30 readings over 30 minutes for v11; 5 000 over 48 hours for v12; a location for v11.
    await db.query(
      `INSERT INTO signal_reading (vehicle_id, code, at, value, event_id)
       SELECT 'v11-battery', $1, $2::timestamptz + i * interval '1 minute', 50 + i, 'ev' FROM generate_series(0, 29) i`,
      [SOC, ago(3_600)],
    );
    await db.query(
      `INSERT INTO signal_reading (vehicle_id, code, at, value, event_id)
       SELECT 'v12-miles', $1, $2::timestamptz + i * interval '34 seconds', i % 100, 'ev' FROM generate_series(0, 4999) i`,
      [SOC, from],
    );
    await db.query("INSERT INTO signal_reading (vehicle_id, code, at, value, body, event_id) VALUES ('v11-battery', $1, $2, NULL, $3, 'ev')", [
      LOCATION,
      ago(60),
      JSON.stringify({ latitude: 52.520008, longitude: 13.404954 }),
    ]);
  });

  it("returns every reading in range, oldest first, when they fit a chart", async () => {
    const response = await historyRoute.GET(request(`/api/v1/vehicles/v11-battery/history?signal=TractionBattery-StateOfCharge`), params("v11-battery"));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { signal: string; downsampled: boolean; points: { at: string; value: number; count: number }[] };
    expect(body).toMatchObject({ signal: SOC, downsampled: false, bucketSeconds: null });
    expect(body.points).toHaveLength(30);
    expect(body.points[0]).toStrictEqual({ at: ago(3_600).toISOString(), value: 50, min: 50, max: 50, count: 1, body: null });
    expect(body.points.map((p) => p.value)).toEqual(Array.from({ length: 30 }, (_, i) => 50 + i));
  });

  it("downsamples a dense range to at most 500 averaged buckets that still hold every reading", async () => {
    const query = `signal=${SOC}&from=${from.toISOString()}&to=${new Date(NOW).toISOString()}`;
    const response = await historyRoute.GET(request(`/api/v1/vehicles/v12-miles/history?${query}`), params("v12-miles"));
    const body = (await response.json()) as { downsampled: boolean; bucketSeconds: number; points: { at: string; value: number; min: number; max: number; count: number }[] };
    expect(body.downsampled).toBe(true);
    expect(body.bucketSeconds).toBe(Math.ceil((48 * 3_600) / 500));
    expect(body.points.length).toBeLessThanOrEqual(501);
    expect(body.points.length).toBeGreaterThan(400);
    expect(body.points.reduce((n, p) => n + p.count, 0)).toBe(5_000);
    for (const p of body.points) {
      expect(p.min).toBeLessThanOrEqual(p.value);
      expect(p.max).toBeGreaterThanOrEqual(p.value);
    }
    const times = body.points.map((p) => Date.parse(p.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it("rounds a precise location for viewers and not for support", async () => {
    const path = "/api/v1/vehicles/v11-battery/history?signal=location-preciselocation";
    const asViewer = (await (await historyRoute.GET(request(path), params("v11-battery"))).json()) as { points: { body: unknown }[] };
    expect(asViewer.points.map((p) => p.body)).toEqual([{ latitude: 52.52, longitude: 13.4 }]);
    const asSupport = (await (await historyRoute.GET(request(path, supportToken), params("v11-battery"))).json()) as { points: { body: unknown }[] };
    expect(asSupport.points.map((p) => p.body)).toEqual([{ latitude: 52.520008, longitude: 13.404954 }]);
  });

  it.each([
    ["", "signal"],
    ["?signal=x&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "from must be before to"],
    ["?signal=x&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "at most"],
  ])("answers 400 INVALID_QUERY for %s", async (query, message) => {
    const response = await historyRoute.GET(request(`/api/v1/vehicles/v11-battery/history${query}`), params("v11-battery"));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "INVALID_QUERY", message: expect.stringContaining(message) } });
  });

  it("answers 404 for an unknown vehicle and 401 without credentials", async () => {
    const unknown = await historyRoute.GET(request(`/api/v1/vehicles/nope/history?signal=${SOC}`), params("nope"));
    expect(unknown.status).toBe(404);
    const anonymous = await historyRoute.GET(request(`/api/v1/vehicles/v11-battery/history?signal=${SOC}`, null), params("v11-battery"));
    expect(anonymous.status).toBe(401);
  });
});
