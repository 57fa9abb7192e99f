import { randomUUID } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type RunningApp } from "../../helpers/app";
import { eventRow, finalEventRow, testPool } from "../../helpers/db-client";
import { postWebhook } from "../../helpers/smartcar";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";
import { waitFor } from "../../helpers/wait-for";
import { apiClient, insertApiToken } from "../dashboard/helpers";

// Tombstones with the product running (`next start` + the embedded executor): an event whose
// payload retention purged still answers a replay of its signed body as a duplicate and is not
// processed again; re-driving it is refused with 410; past the tombstone period the row goes.
let database: TestDatabase;
let db: pg.Pool;
let app: RunningApp;
let retention: typeof import("@/lib/retention/apply-retention");
let settings: import("@/lib/retention/policy").RetentionSettings;

function locationState(vehicleId: string): string {
  const now = Date.now();
  return JSON.stringify({
    eventId: randomUUID(),
    eventType: "VEHICLE_STATE",
    vehicleId,
    data: {
      user: { id: "user-1" },
      vehicle: { id: vehicleId, make: "TESLA", model: "Model 3", year: 2024 },
      signals: [{ code: "location-preciselocation", name: "PreciseLocation", group: "Location", body: { latitude: 52.520008, longitude: 13.404954 }, meta: { oemUpdatedAt: now } }],
    },
    meta: { version: "4.0", deliveryId: randomUUID(), deliveredAt: now, mode: "LIVE" },
  });
}

async function deliver(body: string): Promise<{ status: string; eventId: string }> {
  const res = await postWebhook(app.url, body);
  expect(res.status).toBe(200);
  return (await res.json()) as { status: string; eventId: string };
}

const processed = (eventId: string) => waitFor(() => finalEventRow(db, eventId), { what: `${eventId} to be processed` });

beforeAll(async () => {
  database = await createTestDatabase("retention_app");
  db = testPool(database.url);
  // The app's own retention cron is switched off so that a tick landing mid-test cannot race the
  // passes this test runs itself (with the defaults) at the moments it chooses.
  const off = { RETENTION_PAYLOAD_DAYS: "0", RETENTION_LOCATION_DAYS: "0", RETENTION_TOMBSTONE_DAYS: "0" };
  app = await startApp({ databaseUrl: database.url, env: off });
  process.env.DATABASE_URL = database.url;
  retention = await import("@/lib/retention/apply-retention");
  const { parseEnv } = await import("@/lib/config");
  const { retentionSettings } = await import("@/lib/retention/policy");
  settings = retentionSettings(parseEnv({}));
});

afterAll(async () => {
  await app?.stop();
  const { closePool } = await import("@/lib/db/pool");
  await closePool();
  await db?.end();
  await database?.drop();
});

describe("a purged event", () => {
  const body = locationState(`veh-${randomUUID().slice(0, 8)}`);
  let eventId: string;
  let before: Record<string, unknown> | undefined;

  beforeAll(async () => {
    ({ eventId } = await deliver(body));
    expect(await processed(eventId)).toMatchObject({ status: "PROCESSED", outcome: "APPLIED" });
    // Forty days pass.
    await db.query("UPDATE event SET received_at = received_at - interval '40 days' WHERE event_id = $1", [eventId]);
    const report = await retention.applyRetention(settings);
    expect(report.changed["purge-payloads"]).toBe(1);
    before = await eventRow(db, eventId);
    expect(before).toMatchObject({ raw_body: null, payload_purged_at: expect.any(Date), status: "PROCESSED", delivery_count: 1 });
  });

  it("answers a replay of its signed body 200 duplicate and does not process it again", async () => {
    expect(await deliver(body)).toEqual({ status: "duplicate", eventId });
    // A fresh event delivered after the replay, and processed: anything the replay had set off
    // would have run by now.
    const { eventId: later } = await deliver(locationState(`veh-${randomUUID().slice(0, 8)}`));
    await processed(later);

    expect(await eventRow(db, eventId)).toEqual({ ...before, delivery_count: 2 });
    const runs = await db.query("SELECT count(*)::int AS n FROM executor_run WHERE event->'data'->>'eventId' = $1", [eventId]);
    expect(runs.rows[0]?.n).toBe(1);
    const deliveries = await db.query("SELECT duplicate FROM delivery WHERE event_id = $1 ORDER BY id", [eventId]);
    expect(deliveries.rows).toEqual([{ duplicate: false }, { duplicate: true }]);
  });

  it("cannot be re-driven: 410 PAYLOAD_PURGED, with or without force", async () => {
    const support = apiClient(app.url, await insertApiToken(db, "support"));
    for (const request of [undefined, { force: true }]) {
      expect(await support.post(`/api/v1/events/${eventId}/redrive`, request)).toMatchObject({ status: 410, body: { error: { code: "PAYLOAD_PURGED" } } });
    }
    expect(await eventRow(db, eventId)).toMatchObject({ status: "PROCESSED", redrives: 0 });
  });

  it("is deleted with its deliveries once older than the tombstone period", async () => {
    await db.query("UPDATE event SET received_at = received_at - interval '400 days' WHERE event_id = $1", [eventId]);
    const report = await retention.applyRetention(settings);
    expect(report.changed["delete-tombstones"]).toBe(1);
    expect(await eventRow(db, eventId)).toBeUndefined();
    const deliveries = await db.query("SELECT count(*)::int AS n FROM delivery WHERE event_id = $1", [eventId]);
    expect(deliveries.rows[0]?.n).toBe(0);
  });
});
