import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testPool } from "../../helpers/db-client";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";
import { waitFor } from "../../helpers/wait-for";
import { failedSignalsState, vehicleError } from "./helpers";

// Processing's rollups, in-process: what processStoredEvent counts (applied states through the
// in-memory buffer, the rest inside their transaction), and that a re-processed event (a forced
// re-drive) counts as processed again but opens nothing twice.
let database: TestDatabase;
let db: pg.Pool;
let process_: typeof import("@/lib/processing/process-event");
let store: typeof import("@/lib/ingest/store-event");
let pool: typeof import("@/lib/db/pool").pool;
let processingStats: typeof import("@/lib/stats/processing-stats");

beforeAll(async () => {
  database = await createTestDatabase("dash_processing_stats");
  db = testPool(database.url);
  process.env.DATABASE_URL = database.url;
  process_ = await import("@/lib/processing/process-event");
  store = await import("@/lib/ingest/store-event");
  ({ pool } = await import("@/lib/db/pool"));
  processingStats = await import("@/lib/stats/processing-stats");
});

afterAll(async () => {
  const { closePool } = await import("@/lib/db/pool");
  await closePool();
  await db?.end();
  await database?.drop();
});

async function storeAndProcess(body: string): Promise<string> {
  const parsed = JSON.parse(body) as { eventId: string; eventType: string; vehicleId: string };
  await store.storeDelivery(pool(), {
    eventId: parsed.eventId,
    eventType: parsed.eventType,
    vehicleId: parsed.vehicleId,
    userId: null,
    mode: "LIVE",
    rawBody: body,
    bodyBytes: body.length,
    deliveryId: null,
    deliveredAt: null,
    tokenSlot: "current",
    userAgent: null,
  });
  await process_.processStoredEvent(parsed.eventId, { runId: null, attempt: 0 });
  return parsed.eventId;
}

/** Counters by "metric|dimension"; lag buckets summed into "processing_lag_ms_bucket" (their split depends on the machine's speed). */
async function stats({ flush = true } = {}): Promise<Record<string, number>> {
  if (flush) await processingStats.flushProcessingStats();
  const { rows } = await db.query<{ key: string; n: string }>(
    "SELECT CASE WHEN metric = 'processing_lag_ms_bucket' THEN metric ELSE metric || '|' || dimension END AS key, sum(value) AS n FROM stat_hour GROUP BY 1",
  );
  return Object.fromEntries(rows.map((r) => [r.key, Number(r.n)]));
}

describe("rollups written by processing", () => {
  it("writes an applied state's counts within about a second, without a flush", async () => {
    await storeAndProcess(failedSignalsState("veh-0", [], "KIA"));
    const written = await waitFor(async () => {
      const now = await stats({ flush: false });
      return now["processed|APPLIED"] === 1 ? now : undefined;
    }, { timeoutMs: 5_000, what: "the buffered counts to be written" });
    expect(written).toEqual({ "processed|APPLIED": 1, processing_lag_ms_bucket: 1 });
    await db.query("DELETE FROM stat_hour");
  });

  it("counts outcome, lag, each failed signal three ways and each condition opened", async () => {
    await storeAndProcess(
      failedSignalsState("veh-1", [
        { code: "charge-chargetimers", type: "SERVER", errorCode: "INTERNAL" },
        { code: "location-isathome", type: "COMPATIBILITY", errorCode: "VEHICLE_NOT_CAPABLE" },
      ], "KIA"),
    );
    await storeAndProcess(vehicleError("veh-1", { type: "UPSTREAM", code: "RATE_LIMIT", signals: ["charge-chargetimers", "location-isathome"] }, "KIA"));
    expect(await stats()).toEqual({
      "processed|APPLIED": 2,
      processing_lag_ms_bucket: 2,
      "signal_error_by_type|SERVER:INTERNAL": 1,
      "signal_error_by_type|COMPATIBILITY:VEHICLE_NOT_CAPABLE": 1,
      "signal_error_by_signal|charge-chargetimers": 1,
      "signal_error_by_signal|location-isathome": 1,
      "signal_error_by_make|KIA": 2,
      "condition_opened|UPSTREAM:RATE_LIMIT": 1,
      "condition_opened_by_make|KIA": 1,
      "condition_opened_by_signal|charge-chargetimers": 1,
      "condition_opened_by_signal|location-isathome": 1,
    });
  });

  it("counts a re-processed VEHICLE_ERROR as processed again without opening its condition twice", async () => {
    const eventId = await storeAndProcess(vehicleError("veh-2", { type: "PERMISSION", code: "" }));
    await db.query("UPDATE event SET status = 'PENDING' WHERE event_id = $1", [eventId]);
    await process_.processStoredEvent(eventId, { runId: null, attempt: 0 });
    const counted = await stats();
    expect(counted["condition_opened|PERMISSION:"]).toBe(1);
    expect(counted["processed|APPLIED"]).toBe(4);
  });

  it("reopens a resolved condition as a new opening", async () => {
    const t = Date.now();
    await storeAndProcess(vehicleError("veh-3", { type: "ASLEEP", code: "" }, "KIA", t));
    await storeAndProcess(vehicleError("veh-3", { type: "ASLEEP", code: "", state: "RESOLVED" }, "KIA", t + 1_000));
    expect((await stats())["condition_opened|ASLEEP:"]).toBe(1);
    await storeAndProcess(vehicleError("veh-3", { type: "ASLEEP", code: "" }, "KIA", t + 2_000));
    expect((await stats())["condition_opened|ASLEEP:"]).toBe(2);
  });

  it("counts a dead letter by reason", async () => {
    const body = JSON.stringify({ eventId: "no-vehicle", eventType: "VEHICLE_STATE", data: { signals: [] } });
    await storeAndProcess(body);
    expect((await stats())["dead_lettered|NO_VEHICLE_ID"]).toBe(1);
  });
});
