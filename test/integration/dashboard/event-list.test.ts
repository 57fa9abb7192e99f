import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testPool } from "../../helpers/db-client";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";
import { insertApiToken } from "./helpers";

// GET /api/v1/events: the route handler in-process with real Requests against a real database.
// Modules that read the configuration are imported once DATABASE_URL points at this database.
let database: TestDatabase;
let db: pg.Pool;
let route: typeof import("@/app/api/v1/events/route");
let viewerToken: string;

const BASE = Date.parse("2026-01-10T12:00:00.000Z");

interface Seed {
  id: string;
  at: number;
  type?: string;
  status?: string;
  vehicle?: string | null;
  mode?: string | null;
  deliveryId?: string;
}

async function seed(events: Seed[]): Promise<void> {
  await db.query(
    `WITH e AS (
       INSERT INTO event (event_id, event_type, vehicle_id, mode, raw_body, body_bytes, status, received_at)
       SELECT id, type, vehicle, mode, '{}', 2, status::"EventStatus", at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[]) AS s(id, type, vehicle, mode, status, at)
       RETURNING event_id, received_at)
     INSERT INTO delivery (event_id, delivery_id, token_slot, body_bytes, received_at)
     SELECT e.event_id, d.delivery_id, 'current', 2, e.received_at FROM e JOIN unnest($1::text[], $7::text[]) AS d(id, delivery_id) ON d.id = e.event_id`,
    [
      events.map((e) => e.id),
      events.map((e) => e.type ?? "VEHICLE_STATE"),
      events.map((e) => (e.vehicle === undefined ? "veh-a" : e.vehicle)),
      events.map((e) => (e.mode === undefined ? "LIVE" : e.mode)),
      events.map((e) => e.status ?? "PROCESSED"),
      events.map((e) => new Date(e.at)),
      events.map((e) => e.deliveryId ?? `dlv-${e.id}`),
    ],
  );
}

const get = (query: string, token: string | null = viewerToken) =>
  route.GET(new Request(`http://localhost/api/v1/events${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} }));

interface ListBody {
  items: { eventId: string; receivedAt: string; status: string; eventType: string; vehicleId: string | null; mode: string | null }[];
  nextCursor: string | null;
}

async function page(query: string): Promise<ListBody> {
  const response = await get(query);
  expect(response.status).toBe(200);
  return (await response.json()) as ListBody;
}

/** Every id the list returns for `query`, page by page. */
async function walk(query: string, limit: number, between?: (pageNumber: number) => Promise<void>): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let n = 0; ; n++) {
    const body = await page(`?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(body.items.length).toBeLessThanOrEqual(limit);
    ids.push(...body.items.map((i) => i.eventId));
    cursor = body.nextCursor;
    if (!cursor) return ids;
    await between?.(n);
  }
}

// 60 events, 3 per millisecond-distinct timestamp pair: ties on received_at make the event_id
// tiebreak matter.
const EVENTS: Seed[] = Array.from({ length: 60 }, (_, i) => ({
  id: `ev-${String(i).padStart(3, "0")}`,
  at: BASE + Math.floor(i / 3) * 1000,
  type: i % 5 === 0 ? "VEHICLE_ERROR" : "VEHICLE_STATE",
  status: i % 7 === 0 ? "DEAD_LETTERED" : "PROCESSED",
  vehicle: i % 2 === 0 ? "veh-even" : "veh-odd",
  mode: i % 10 === 3 ? "TEST" : "LIVE",
}));

/** Newest first, ties by eventId descending: the list's order. */
function expectedOrder(events: Seed[]): string[] {
  return [...events].sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1)).map((e) => e.id);
}

beforeAll(async () => {
  database = await createTestDatabase("dash_events");
  db = testPool(database.url);
  process.env.DATABASE_URL = database.url;
  route = await import("@/app/api/v1/events/route");
  viewerToken = await insertApiToken(db, "viewer");
  await seed(EVENTS);
});

afterAll(async () => {
  const { closePool } = await import("@/lib/db/pool");
  await closePool();
  await db?.end();
  await database?.drop();
});

describe("GET /api/v1/events", () => {
  it("answers 401 without credentials", async () => {
    const response = await get("", null);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: "UNAUTHENTICATED" } });
  });

  it("returns event resources newest first, 50 by default", async () => {
    const body = await page("");
    expect(body.items).toHaveLength(50);
    expect(body.items.map((i) => i.eventId)).toEqual(expectedOrder(EVENTS).slice(0, 50));
    expect(body.items[0]).toStrictEqual({
      eventId: "ev-059",
      eventType: "VEHICLE_STATE",
      vehicleId: "veh-odd",
      mode: "LIVE",
      status: "PROCESSED",
      outcome: null,
      receivedAt: new Date(BASE + 19_000).toISOString(),
      dispatchedAt: null,
      processedAt: null,
      deliveries: 1,
      attempts: 0,
      redrives: 0,
      signals: { applied: 0, stale: 0, failed: 0 },
      error: null,
    });
    expect(body.nextCursor).toEqual(expect.any(String));
  });

  it("walks every page exactly once, in order, across received_at ties", async () => {
    expect(await walk("", 7)).toEqual(expectedOrder(EVENTS));
  });

  it("keeps a walk stable while newer and same-instant events arrive", async () => {
    const before = expectedOrder(EVENTS);
    let added = 0;
    const ids = await walk("", 9, async () => {
      // New deliveries land at the top of the list, which the walk has already passed.
      await seed([
        { id: `late-${added++}`, at: Date.now() },
        { id: `late-${added++}`, at: Date.now() + 1 },
      ]);
    });
    expect(added).toBeGreaterThan(0);
    expect(ids).toEqual(before);
    await db.query("DELETE FROM event WHERE event_id LIKE 'late-%'");
  });

  it.each([
    ["type=VEHICLE_ERROR", (e: Seed) => e.type === "VEHICLE_ERROR"],
    ["status=DEAD_LETTERED", (e: Seed) => e.status === "DEAD_LETTERED"],
    ["vehicleId=veh-even", (e: Seed) => e.vehicle === "veh-even"],
    ["mode=TEST", (e: Seed) => e.mode === "TEST"],
    [`from=${new Date(BASE + 5_000).toISOString()}&to=${new Date(BASE + 8_000).toISOString()}`, (e: Seed) => e.at >= BASE + 5_000 && e.at < BASE + 8_000],
    ["status=PROCESSED&vehicleId=veh-odd&type=VEHICLE_STATE", (e: Seed) => e.status === "PROCESSED" && e.vehicle === "veh-odd" && e.type === "VEHICLE_STATE"],
  ])("filters by %s", async (query, keep) => {
    const expected = expectedOrder(EVENTS.filter(keep));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(EVENTS.length);
    expect(await walk(query, 4)).toEqual(expected);
  });

  it("finds one event by q = its eventId or one of its deliveryIds", async () => {
    await seed([{ id: "ev-target", at: BASE - 1_000, deliveryId: "smartcar-delivery-42" }]);
    expect((await page("?q=ev-target")).items.map((i) => i.eventId)).toEqual(["ev-target"]);
    expect((await page("?q=smartcar-delivery-42")).items.map((i) => i.eventId)).toEqual(["ev-target"]);
    expect((await page("?q=nothing-like-it")).items).toEqual([]);
    // q combines with the other filters.
    expect((await page("?q=ev-target&status=DEAD_LETTERED")).items).toEqual([]);
  });

  it.each([
    ["limit=201", "limit"],
    ["limit=0", "limit"],
    ["limit=ten", "limit"],
    ["status=DONE", "status"],
    ["mode=live", "mode"],
    ["from=yesterday", "from"],
    ["cursor=bm90LWEtY3Vyc29y", "cursor"],
    ["colour=red", "colour"],
  ])("answers 400 INVALID_QUERY for %s, naming the parameter", async (query, name) => {
    const response = await get(`?${query}`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("INVALID_QUERY");
    expect(body.error.message).toContain(name);
  });

  it("accepts the maximum page size", async () => {
    const stored = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM event");
    const body = await page("?limit=200");
    expect(body.items).toHaveLength(stored.rows[0]?.n ?? -1);
    expect(body.nextCursor).toBeNull();
  });
});
