import { randomUUID } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, TEST_TOKEN, type RunningApp } from "../../helpers/app";
import { testPool } from "../../helpers/db-client";
import { vehicleState } from "../../helpers/events";
import { postWebhook } from "../../helpers/smartcar";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";
import { waitFor } from "../../helpers/wait-for";
import { apiClient, failedSignalsState, insertApiToken, vehicleError } from "./helpers";

// Rollups add up to what was sent: real deliveries through `next start`, processed by the
// embedded executor, then read back through /api/v1/overview and /api/v1/errors.
let database: TestDatabase;
let db: pg.Pool;
let app: RunningApp;
let api: ReturnType<typeof apiClient>;

const OTHER_TOKEN = "a-token-nobody-configured";

async function deliver(body: string, options: Parameters<typeof postWebhook>[2] = {}): Promise<number> {
  return (await postWebhook(app.url, body, options)).status;
}

const soc = (vehicleId: string, value: number) => vehicleState(vehicleId, [{ code: "tractionbattery-stateofcharge", value, unit: "percent", oemUpdatedAt: Date.now() }]);

interface Totals {
  received: number;
  duplicates: number;
  processed: number;
  deadLettered: number;
  rejected: number;
  signatureRejections: number;
}

interface OverviewBody {
  from: string;
  to: string;
  totals: Totals;
  receiveLatencyMs: { p50: number | null; p95: number | null; p99: number | null };
  processingLagMs: { p50: number | null; p95: number | null; p99: number | null };
  hours: (Totals & { hour: string })[];
  backlog: { pending: number; oldestPendingAgeSeconds: number | null };
  vehicles: { total: number };
}

const SENT: Totals = { received: 14, duplicates: 3, processed: 13, deadLettered: 1, rejected: 5, signatureRejections: 3 };

beforeAll(async () => {
  database = await createTestDatabase("dash_rollups");
  db = testPool(database.url);
  app = await startApp({ databaseUrl: database.url });
  api = apiClient(app.url, await insertApiToken(db, "viewer"));

  const okBodies = Array.from({ length: 8 }, (_, i) => soc(`veh-ok-${i}`, 50 + i));
  const accepted = [
    ...okBodies,
    failedSignalsState("veh-tesla", [
      { code: "charge-chargetimers", type: "SERVER", errorCode: "INTERNAL" },
      { code: "location-isathome", type: "COMPATIBILITY", errorCode: "VEHICLE_NOT_CAPABLE" },
    ]),
    failedSignalsState("veh-vw", [{ code: "charge-chargetimers", type: "SERVER", errorCode: "INTERNAL" }], "VOLKSWAGEN"),
    vehicleError("veh-tesla", { type: "UPSTREAM", code: "RATE_LIMIT", signals: ["tractionbattery-range"] }),
    // The same report again under a new eventId: DUPLICATE_ERROR, not a second opening.
    vehicleError("veh-tesla", { type: "UPSTREAM", code: "RATE_LIMIT", signals: ["tractionbattery-range"] }),
    // Resolving it opens nothing.
    vehicleError("veh-vw", { type: "PERMISSION", code: "", state: "RESOLVED" }, "VOLKSWAGEN"),
    // No vehicle id anywhere: dead-lettered at once.
    JSON.stringify({ eventId: randomUUID(), eventType: "VEHICLE_STATE", data: { signals: [] }, meta: { mode: "LIVE" } }),
  ];
  expect(accepted).toHaveLength(SENT.received);
  for (const body of accepted) expect(await deliver(body)).toBe(200);
  for (const body of okBodies.slice(0, SENT.duplicates)) expect(await deliver(body)).toBe(200);

  expect(await deliver(soc("veh-x", 1), { token: OTHER_TOKEN })).toBe(401);
  expect(await deliver(soc("veh-x", 2), { token: OTHER_TOKEN })).toBe(401);
  expect(await deliver(soc("veh-x", 3), { signature: null })).toBe(401);
  expect(await deliver("this is not json", { token: TEST_TOKEN })).toBe(400);
  expect(await deliver(JSON.stringify({ no: "eventId" }))).toBe(400);

  await waitFor(
    async () => {
      const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM event WHERE status IN ('PROCESSED', 'DEAD_LETTERED')");
      return rows[0]?.n === SENT.received ? true : undefined;
    },
    { what: "every event to be processed or dead-lettered" },
  );
});

afterAll(async () => {
  await app?.stop();
  await db?.end();
  await database?.drop();
});

describe("GET /api/v1/overview", () => {
  it("adds up to what was sent, per range and per hour", async () => {
    // The receiver's counters reach the database every few seconds: poll until they have.
    const overview = await waitFor(
      async () => {
        const { status, body } = await api.get("/api/v1/overview");
        expect(status).toBe(200);
        const parsed = body as OverviewBody;
        return JSON.stringify(parsed.totals) === JSON.stringify(SENT) ? parsed : undefined;
      },
      { what: "the overview totals to match what was sent" },
    );
    expect(overview.totals).toEqual(SENT);
    const summed = overview.hours.reduce(
      (sum, h) => ({ received: sum.received + h.received, processed: sum.processed + h.processed, rejected: sum.rejected + h.rejected }),
      { received: 0, processed: 0, rejected: 0 },
    );
    expect(summed).toEqual({ received: SENT.received, processed: SENT.processed, rejected: SENT.rejected });
    expect(overview.hours.length).toBeGreaterThanOrEqual(24);
    expect(overview.hours.length).toBeLessThanOrEqual(25);
    expect(overview.backlog).toEqual({ pending: 0, oldestPendingAgeSeconds: null });
    expect(overview.vehicles.total).toBe(10);
  });

  it("derives latency and lag percentiles from the histogram buckets", async () => {
    const buckets = await db.query<{ n: string }>("SELECT sum(value) AS n FROM stat_hour WHERE metric = 'receive_ms_bucket'");
    expect(Number(buckets.rows[0]?.n)).toBe(SENT.received + SENT.duplicates);
    const lag = await db.query<{ n: string }>("SELECT sum(value) AS n FROM stat_hour WHERE metric = 'processing_lag_ms_bucket'");
    expect(Number(lag.rows[0]?.n)).toBe(SENT.processed);

    const { body } = await api.get("/api/v1/overview");
    const { receiveLatencyMs, processingLagMs } = body as OverviewBody;
    for (const p of [receiveLatencyMs, processingLagMs]) {
      expect(p.p50).toEqual(expect.any(Number));
      expect(p.p50 ?? Infinity).toBeLessThanOrEqual(p.p95 ?? -1);
      expect(p.p95 ?? Infinity).toBeLessThanOrEqual(p.p99 ?? -1);
    }
    // Smartcar waits 15 s; a test machine answers well inside a second.
    expect(receiveLatencyMs.p99).toBeLessThan(1_000);
  });

  it("is empty for a range before anything happened, and 400 for a backwards or huge range", async () => {
    const past = await api.get("/api/v1/overview?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z");
    expect(past.status).toBe(200);
    expect((past.body as OverviewBody).totals).toEqual({ received: 0, duplicates: 0, processed: 0, deadLettered: 0, rejected: 0, signatureRejections: 0 });
    expect((past.body as OverviewBody).hours).toHaveLength(24);
    for (const query of ["from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "since=yesterday"]) {
      const { status, body } = await api.get(`/api/v1/overview?${query}`);
      expect(status).toBe(400);
      expect(body).toMatchObject({ error: { code: "INVALID_QUERY" } });
    }
  });

  it("answers 401 without credentials", async () => {
    expect((await apiClient(app.url, null).get("/api/v1/overview")).status).toBe(401);
  });
});

describe("GET /api/v1/errors", () => {
  interface Section {
    groupedBy: string;
    total: number;
    groups: { key: string; count: number }[];
  }
  interface Breakdown {
    signalErrors: Section;
    vehicleConditions: Section & { openNow: Section };
    deliveryFailures: Section;
  }
  const breakdown = async (groupBy: string) => {
    const { status, body } = await api.get(`/api/v1/errors?groupBy=${groupBy}`);
    expect(status).toBe(200);
    return body as Breakdown;
  };

  it("keeps signal errors, vehicle conditions and delivery failures apart (groupBy=code)", async () => {
    const errors = await breakdown("code");
    expect(errors.signalErrors).toEqual({
      groupedBy: "code",
      total: 3,
      groups: [
        { key: "SERVER:INTERNAL", count: 2 },
        { key: "COMPATIBILITY:VEHICLE_NOT_CAPABLE", count: 1 },
      ],
    });
    expect(errors.vehicleConditions).toEqual({
      groupedBy: "code",
      total: 1,
      groups: [{ key: "UPSTREAM:RATE_LIMIT", count: 1 }],
      openNow: { groupedBy: "code", total: 1, groups: [{ key: "UPSTREAM:RATE_LIMIT", count: 1 }] },
    });
    expect(errors.deliveryFailures).toEqual({
      groupedBy: "code",
      total: 6,
      groups: [
        { key: "rejected:SIGNATURE_MISMATCH", count: 2 },
        { key: "dead_lettered:NO_VEHICLE_ID", count: 1 },
        { key: "rejected:INVALID_JSON", count: 1 },
        { key: "rejected:INVALID_SCHEMA", count: 1 },
        { key: "rejected:SIGNATURE_MISSING", count: 1 },
      ],
    });
  });

  it("groups by type, signal and make", async () => {
    const byType = await breakdown("type");
    expect(byType.signalErrors.groups).toEqual([
      { key: "SERVER", count: 2 },
      { key: "COMPATIBILITY", count: 1 },
    ]);
    expect(byType.deliveryFailures.groups).toEqual([
      { key: "rejected", count: 5 },
      { key: "dead_lettered", count: 1 },
    ]);
    const bySignal = await breakdown("signal");
    expect(bySignal.signalErrors.groups).toEqual([
      { key: "charge-chargetimers", count: 2 },
      { key: "location-isathome", count: 1 },
    ]);
    expect(bySignal.vehicleConditions.groups).toEqual([{ key: "tractionbattery-range", count: 1 }]);
    const byMake = await breakdown("make");
    expect(byMake.signalErrors.groups).toEqual([
      { key: "TESLA", count: 2 },
      { key: "VOLKSWAGEN", count: 1 },
    ]);
    expect(byMake.vehicleConditions.openNow.groups).toEqual([{ key: "TESLA", count: 1 }]);
  });

  it("gives each section's trend per hour by type (or reason), adding up to what was sent", async () => {
    type Counts = Record<string, number>;
    const { status, body } = await api.get("/api/v1/errors?groupBy=signal");
    expect(status).toBe(200);
    const { hours } = body as { hours: { hour: string; signalErrors: Counts; vehicleConditions: Counts; rejected: Counts; deadLettered: Counts }[] };
    expect(hours.length).toBeGreaterThanOrEqual(24);
    expect(hours.length).toBeLessThanOrEqual(25);
    expect(hours.map((h) => Date.parse(h.hour))).toEqual([...hours.map((h) => Date.parse(h.hour))].sort((a, b) => a - b));
    const sum = (section: "signalErrors" | "vehicleConditions" | "rejected" | "deadLettered") => {
      const total: Counts = {};
      for (const h of hours) for (const [key, n] of Object.entries(h[section])) total[key] = (total[key] ?? 0) + n;
      return total;
    };
    // Whatever the groupBy, the trends are by type: a handful of series per chart.
    expect(sum("signalErrors")).toEqual({ SERVER: 2, COMPATIBILITY: 1 });
    expect(sum("vehicleConditions")).toEqual({ UPSTREAM: 1 });
    expect(sum("rejected")).toEqual({ SIGNATURE_MISMATCH: 2, SIGNATURE_MISSING: 1, INVALID_JSON: 1, INVALID_SCHEMA: 1 });
    expect(sum("deadLettered")).toEqual({ NO_VEHICLE_ID: 1 });
  });

  it("answers 400 for an unknown groupBy", async () => {
    const { status, body } = await api.get("/api/v1/errors?groupBy=colour");
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { code: "INVALID_QUERY", message: expect.stringContaining("groupBy") } });
  });
});

describe("shutdown", () => {
  it("flushes the receiver's pending counters when the server stops", async () => {
    const counted = async () => {
      const { rows } = await db.query<{ n: string }>("SELECT coalesce(sum(value), 0) AS n FROM stat_hour WHERE metric IN ('received', 'rejected')");
      return Number(rows[0]?.n);
    };
    const earlier = SENT.received + SENT.rejected;
    await waitFor(async () => ((await counted()) === earlier ? true : undefined), { what: "the earlier counters to be written" });
    expect(await deliver(soc("veh-late", 1))).toBe(200);
    expect(await deliver(soc("veh-late", 2), { token: OTHER_TOKEN })).toBe(401);
    // Stopped at once: the graceful shutdown waits for the scheduled flush.
    await app.stop();
    expect(await counted()).toBe(earlier + 2);
  });
});
