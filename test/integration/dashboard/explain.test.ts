import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testPool } from "../../helpers/db-client";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";
import { planOf, type PlanNode } from "../../helpers/explain";

// The list queries must stay index-driven at fleet scale: on 200 000 events, EXPLAIN every
// filter combination the event list and the bulk re-drive build, and fail on a Seq Scan of event.
let database: TestDatabase;
let db: pg.Pool;
let eventList: typeof import("@/lib/dal/event-list");
let redriveJobs: typeof import("@/lib/redrive/redrive-jobs");
let cursor: typeof import("@/lib/dal/cursor");

const EVENTS = 200_000;
const START = Date.parse("2026-01-01T00:00:00.000Z");

beforeAll(async () => {
  database = await createTestDatabase("dash_explain");
  db = testPool(database.url);
  process.env.DATABASE_URL = database.url;
  eventList = await import("@/lib/dal/event-list");
  redriveJobs = await import("@/lib/redrive/redrive-jobs");
  cursor = await import("@/lib/dal/cursor");
  // One statement per table: generate_series keeps seeding to a few seconds.
  await db.query(`
INSERT INTO event (event_id, event_type, vehicle_id, mode, raw_body, body_bytes, status, received_at)
SELECT 'ev-' || i,
  CASE WHEN i % 10 = 0 THEN 'VEHICLE_ERROR' WHEN i % 97 = 0 THEN 'LEGACY_V2' ELSE 'VEHICLE_STATE' END,
  'veh-' || (i % 500),
  CASE WHEN i % 50 = 0 THEN 'TEST' ELSE 'LIVE' END,
  '{}', 2,
  (CASE WHEN i % 200 = 0 THEN 'DEAD_LETTERED' WHEN i % 1000 = 1 THEN 'PENDING' ELSE 'PROCESSED' END)::"EventStatus",
  $1::timestamptz + i * interval '10 seconds'
FROM generate_series(1, ${EVENTS}) AS i`, [new Date(START)]);
  await db.query("INSERT INTO delivery (event_id, delivery_id, token_slot, body_bytes, received_at) SELECT event_id, 'dlv-' || event_id, 'current', 2, received_at FROM event");
  await db.query("ANALYZE event; ANALYZE delivery");
}, 60_000);

afterAll(async () => {
  await db?.end();
  await database?.drop();
});


function expectIndexDriven(plan: PlanNode[]): void {
  const seqScans = plan.filter((n) => n["Node Type"] === "Seq Scan" && n["Relation Name"] === "event");
  expect(seqScans, JSON.stringify(plan.map((n) => n["Node Type"]))).toEqual([]);
  // Index (Only) Scan, or a Bitmap Heap Scan fed by bitmap index scans.
  const indexed = plan.filter((n) => n["Relation Name"] === "event" && /Index|Bitmap Heap/.test(n["Node Type"]));
  expect(indexed.length).toBeGreaterThan(0);
}

const mid = (offsetSeconds: number) => new Date(START + offsetSeconds * 1000).toISOString();
// A cursor deep in the table: the keyset seek must not depend on how far down the page is.
const deepCursor = () => cursor.encodeCursor({ r: mid(EVENTS * 5), e: `ev-${EVENTS / 2}` });

const FILTERS: Record<string, Record<string, unknown>> = {
  "no filter": {},
  "status": { status: "DEAD_LETTERED" },
  "type": { type: "LEGACY_V2" },
  "vehicleId": { vehicleId: "veh-42" },
  "mode": { mode: "TEST" },
  "from/to": { from: mid(100_000), to: mid(200_000) },
  "q = eventId": { q: "ev-123456" },
  "q = deliveryId": { q: "dlv-ev-654321" },
  "status + vehicleId + type": { status: "PROCESSED", vehicleId: "veh-7", type: "VEHICLE_ERROR" },
  "status + from": { status: "PENDING", from: mid(1_000_000) },
};

describe("event list plans on 200 000 events", () => {
  it("seeded the table", async () => {
    const counted = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM event");
    expect(counted.rows[0]?.n).toBe(EVENTS);
  });

  it.each(Object.entries(FILTERS))("uses an index for the first page and a deep page: %s", async (_name, filter) => {
    for (const page of [{}, { cursor: deepCursor() }]) {
      const query = eventList.eventListQuerySchema.parse({ ...filter, ...page });
      expectIndexDriven(await planOf(db, eventList.eventPageSql(query)));
    }
  });

  it("answers q through the primary key and delivery(delivery_id)", async () => {
    const plan = await planOf(db, eventList.eventPageSql(eventList.eventListQuerySchema.parse({ q: "dlv-ev-654321" })));
    expect(plan.map((n) => n["Index Name"]).filter(Boolean)).toEqual(expect.arrayContaining(["event_pkey", "delivery_delivery_id_idx"]));
  });

  it.each([
    ["all dead letters", {}],
    ["dead letters of a vehicle in a range", { vehicleId: "veh-200", from: mid(0), to: mid(1_000_000) }],
  ])("selects a bulk re-drive through an index: %s", async (_name, filter) => {
    const parsed = redriveJobs.bulkRedriveSchema.parse(filter);
    const { dryRun: _dryRun, ...selection } = parsed;
    expectIndexDriven(await planOf(db, redriveJobs.redriveMatchSql(selection, "count(*)::int AS n")));
    expectIndexDriven(await planOf(db, redriveJobs.redriveMatchSql(selection, "e.event_id", redriveJobs.MAX_JOB_EVENTS + 1)));
  });
});
