import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testPool } from "../../helpers/db-client";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";
import { planOf, type PlanNode } from "../../helpers/explain";

// Retention must stay index-driven on a big database: a batch deep into a year of events or a
// long location history costs what its own rows cost. EXPLAIN every batch statement on 200 000
// events, 600 000 readings, 30 latest signals for each of 2 000 vehicles and 50 000 alerts, and
// fail on a sequential scan of a big table.
let database: TestDatabase;
let db: pg.Pool;
let events: typeof import("@/lib/retention/event-retention");
let locations: typeof import("@/lib/retention/location-retention");
let housekeeping: typeof import("@/lib/retention/housekeeping");

const EVENTS = 200_000;
const VEHICLES = 2_000;
const READINGS_PER_CODE = 100;
const NOW = Date.parse("2026-06-01T00:00:00.000Z");
const DAY_MS = 86_400_000;
const ago = (days: number) => new Date(NOW - days * DAY_MS);

beforeAll(async () => {
  database = await createTestDatabase("retention_explain");
  db = testPool(database.url);
  process.env.DATABASE_URL = database.url;
  events = await import("@/lib/retention/event-retention");
  locations = await import("@/lib/retention/location-retention");
  housekeeping = await import("@/lib/retention/housekeeping");
  // A year of events, one every ~158 s; vehicles with a reading every ~4 days for each of three codes.
  await db.query(
    `INSERT INTO event (event_id, event_type, vehicle_id, raw_body, body_bytes, status, received_at)
     SELECT 'ev-' || i, 'VEHICLE_STATE', 'veh-' || (i % $2), '{"eventId":"ev-' || i || '"}', 20,
       (CASE WHEN i % 100 = 0 THEN 'DEAD_LETTERED' ELSE 'PROCESSED' END)::"EventStatus",
       $3::timestamptz - make_interval(secs => i * 365 * 86400.0 / $1)
     FROM generate_series(1, $1::int) i`,
    [EVENTS, VEHICLES, new Date(NOW)],
  );
  await db.query(`INSERT INTO vehicle (vehicle_id, recent_gaps) SELECT 'veh-' || v, '{}' FROM generate_series(0, $1::int - 1) v`, [VEHICLES]);
  await db.query(
    `INSERT INTO signal_reading (vehicle_id, code, at, value, body, event_id)
     SELECT 'veh-' || v, c.code, $3::timestamptz - make_interval(days => k * 4),
       CASE WHEN c.code = 'location-preciselocation' THEN NULL ELSE k END,
       CASE WHEN c.code = 'location-preciselocation' THEN '{"latitude": 48.13743, "longitude": 11.57549}'::jsonb END, 'ev-1'
     FROM generate_series(0, $1::int - 1) v, generate_series(1, $2::int) k,
       unnest(ARRAY['location-preciselocation', 'odometer-traveleddistance', 'tractionbattery-stateofcharge']) AS c(code)`,
    [VEHICLES, READINGS_PER_CODE, new Date(NOW)],
  );
  await db.query(
    `INSERT INTO vehicle_signal (vehicle_id, code, status, body, oem_updated_at, key_at, key_tie, since, event_id)
     SELECT 'veh-' || v, c.code, 'OK', '{"latitude": 48.13743, "longitude": 11.57549}', $2, $2, $2, $2, 'ev-1'
     FROM generate_series(0, $1::int - 1) v,
       (SELECT 'location-preciselocation' UNION ALL SELECT 'signal-' || n FROM generate_series(1, 29) n) AS c(code)`,
    [VEHICLES, ago(10)],
  );
  await db.query(
    `INSERT INTO executor_run (run_id, event_key, fn_id, event, status, max_attempts, created_at, finished_at)
     SELECT gen_random_uuid(), 'run-' || i, 'f', '{}', 'DONE', 1, $2::timestamptz - make_interval(mins => i), $2::timestamptz - make_interval(mins => i)
     FROM generate_series(1, $1::int) i`,
    [50_000, new Date(NOW)],
  );
  await db.query(
    `INSERT INTO rejected_delivery (reason, http_status, body_bytes, body_sha256, body_head, headers, tokens_tried, received_at)
     SELECT 'SIGNATURE_MISMATCH', 401, 2, 'h', '{}', '{}', '{}', $2::timestamptz - make_interval(mins => i) FROM generate_series(1, $1::int) i`,
    [50_000, new Date(NOW)],
  );
  // A year of silent-vehicle alerts, one opened and resolved every ~10 minutes, and a few open.
  await db.query(
    `INSERT INTO alert (rule, subject, dedupe_key, open_key, state, severity, title, opened_at, resolved_at)
     SELECT 'vehicle_silent', 'veh-' || (i % $3), 'k-' || i, CASE WHEN i % 1000 = 0 THEN 'k-' || i END,
       CASE WHEN i % 1000 = 0 THEN 'OPEN' ELSE 'RESOLVED' END, 'warning', 't',
       $2::timestamptz - make_interval(mins => i * 10), CASE WHEN i % 1000 <> 0 THEN $2::timestamptz - make_interval(mins => i * 10 - 60) END
     FROM generate_series(1, $1::int) i`,
    [50_000, new Date(NOW), VEHICLES],
  );
  await db.query("ANALYZE event; ANALYZE vehicle; ANALYZE signal_reading; ANALYZE vehicle_signal; ANALYZE executor_run; ANALYZE rejected_delivery; ANALYZE alert");
}, 120_000);

afterAll(async () => {
  const { closePool } = await import("@/lib/db/pool");
  await closePool();
  await db?.end();
  await database?.drop();
});


/** No sequential scan of the tables, and each is read through the named index (its own: names are per table). */
function expectIndexes(plan: PlanNode[], indexes: Record<string, string>): void {
  const summary = JSON.stringify(plan.map((n) => [n["Node Type"], n["Relation Name"], n["Index Name"]]));
  for (const [table, index] of Object.entries(indexes)) {
    expect(plan.filter((n) => n["Node Type"] === "Seq Scan" && n["Relation Name"] === table), summary).toEqual([]);
    expect(plan.some((n) => n["Index Name"] === index), summary).toBe(true);
  }
}

const LIMIT = 2_000;
const EVENT_KEY_INDEX = "event_received_at_event_id_idx";

describe("retention plans on 200 000 events and 600 000 readings", () => {
  it("seeded the tables", async () => {
    const counted = await db.query("SELECT (SELECT count(*) FROM event)::int AS events, (SELECT count(*) FROM signal_reading)::int AS readings");
    expect(counted.rows[0]).toEqual({ events: EVENTS, readings: VEHICLES * READINGS_PER_CODE * 3 });
  });

  // A full pass from the beginning, and an incremental one resuming deep in the table.
  const windows = () => [
    { from: null, to: ago(30), after: null },
    { from: ago(31), to: ago(30), after: { at: ago(30.5), id: "ev-99999" } },
  ];

  it("walks events through the (received_at, event_id) index, for payloads and for locations", async () => {
    for (const window of windows()) {
      expectIndexes(await planOf(db, events.purgePayloadsSql(window, LIMIT)), { event: EVENT_KEY_INDEX });
      expectIndexes(await planOf(db, events.eventLocationsWalkSql(window, 500)), { event: EVENT_KEY_INDEX });
    }
  });

  it("deletes tombstones through the received_at index", async () => {
    expectIndexes(await planOf(db, events.deleteTombstonesSql(ago(365), LIMIT)), { event: EVENT_KEY_INDEX });
  });

  it("walks the location history vehicle by vehicle through the primary keys", async () => {
    const deep = { from: ago(200), to: ago(7), after: { at: ago(100), id: "veh-1500" } };
    for (const window of [...windows(), deep]) {
      const plan = await planOf(db, locations.readingsWalkSql(window, LIMIT));
      expectIndexes(plan, { vehicle: "vehicle_pkey", signal_reading: "signal_reading_pkey" });
      // Sorted within each vehicle only (Incremental Sort): a full Sort would first read every
      // vehicle's readings before the LIMIT could stop the loop.
      expect(plan.map((n) => n["Node Type"])).not.toContain("Sort");
      expect(plan.map((n) => n["Node Type"])).toContain("Incremental Sort");
    }
  });

  it("checks latest locations by primary key", async () => {
    expectIndexes(await planOf(db, locations.latestLocationsWalkSql(ago(7), "veh-1000", LIMIT)), { vehicle: "vehicle_pkey", vehicle_signal: "vehicle_signal_pkey" });
  });

  it("writes a batch back through the primary keys", async () => {
    const ids = Array.from({ length: LIMIT }, (_, i) => i);
    expectIndexes(await planOf(db, events.writeEventLocationsSql(ids.map((i) => ({ eventId: `ev-${i * 50}`, body: "{}" })))), { event: "event_pkey" });
    const readings = ids.map((i) => ({ vehicleId: `veh-${i % VEHICLES}`, at: ago(4 * (1 + (i % READINGS_PER_CODE))), body: "{}" }));
    expectIndexes(await planOf(db, locations.writeReadingsSql(readings)), { signal_reading: "signal_reading_pkey" });
    // A tenth of the fleet's latest locations at once. (When one batch rewrites most of the
    // fleet, the planner rightly reads vehicle_signal — one row per vehicle and code — whole.)
    const latest = ids.slice(0, VEHICLES / 10).map((i) => ({ vehicleId: `veh-${i * 10}`, oldBody: "{}", body: "{}" }));
    expectIndexes(await planOf(db, locations.writeLatestSql(latest)), { vehicle_signal: "vehicle_signal_pkey" });
  });

  it("prunes executor runs, rejections and resolved alerts through their time indexes", async () => {
    expectIndexes(await planOf(db, housekeeping.deleteFinishedRunsSql(ago(1), LIMIT)), { executor_run: "executor_run_finished_at_idx" });
    expectIndexes(await planOf(db, housekeeping.deleteRejectionsSql(ago(30), LIMIT)), { rejected_delivery: "rejected_delivery_received_at_idx" });
    expectIndexes(await planOf(db, housekeeping.deleteResolvedAlertsSql(ago(90), LIMIT)), { alert: "alert_opened_at_idx" });
  });
});
