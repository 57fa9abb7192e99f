import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { storeDeliveries, type DeliveryToStore } from "@/lib/ingest/store-event";
import { useTestDatabase } from "../../helpers/test-database";

// The receiver's statement for several deliveries at once (group commit), against Postgres.

const suite = useTestDatabase();

function delivery(eventId: string, deliveryId = randomUUID()): DeliveryToStore {
  const rawBody = JSON.stringify({ eventId, eventType: "VEHICLE_STATE", vehicleId: "v-store", meta: { deliveryId } });
  return {
    eventId,
    eventType: "VEHICLE_STATE",
    vehicleId: "v-store",
    userId: "u-1",
    mode: "LIVE",
    rawBody,
    bodyBytes: Buffer.byteLength(rawBody),
    deliveryId,
    deliveredAt: Date.parse("2026-11-29T10:00:00Z"),
    tokenSlot: "current",
    userAgent: "Smartcar/test",
  };
}

const runsOf = (eventId: string) =>
  JSON.stringify([{ event_key: `test-fn:${eventId}`, fn_id: "test-fn", event: { id: eventId, name: "test/event", data: { eventId }, ts: 0 }, concurrency_key: null, max_attempts: 3 }]);

describe("storeDeliveries", () => {
  it("stores new and repeated events in one statement, answering in the callers' order, and queues runs only for new events", async () => {
    const ids = ["b", "a", "c", "d"].map((s) => `${s}-${randomUUID()}`);
    const [b, a, c, d] = ids as [string, string, string, string];
    await storeDeliveries(suite.db, [{ delivery: delivery(a), runs: runsOf(a) }]);

    const results = await storeDeliveries(suite.db, [
      { delivery: delivery(b), runs: runsOf(b) },
      { delivery: delivery(a), runs: runsOf(a) },
      { delivery: delivery(c), runs: null },
      { delivery: delivery(d), runs: runsOf(d) },
    ]);
    expect(results).toEqual([
      { duplicate: false, needsDispatch: false },
      { duplicate: true, needsDispatch: false },
      { duplicate: false, needsDispatch: true },
      { duplicate: false, needsDispatch: false },
    ]);

    const events = await suite.db.query<{ event_id: string; delivery_count: number; dispatched: boolean; deliveries: number; duplicates: number }>(
      `SELECT e.event_id, e.delivery_count, e.dispatched_at IS NOT NULL AS dispatched,
              (SELECT count(*)::int FROM delivery x WHERE x.event_id = e.event_id) AS deliveries,
              (SELECT count(*)::int FROM delivery x WHERE x.event_id = e.event_id AND x.duplicate) AS duplicates
       FROM event e WHERE e.event_id = ANY($1::text[]) ORDER BY e.event_id`,
      [ids],
    );
    expect(events.rows).toEqual([
      { event_id: a, delivery_count: 2, dispatched: true, deliveries: 2, duplicates: 1 },
      { event_id: b, delivery_count: 1, dispatched: true, deliveries: 1, duplicates: 0 },
      { event_id: c, delivery_count: 1, dispatched: false, deliveries: 1, duplicates: 0 },
      { event_id: d, delivery_count: 1, dispatched: true, deliveries: 1, duplicates: 0 },
    ]);
    const runs = await suite.db.query<{ event_key: string }>("SELECT event_key FROM executor_run WHERE event_key = ANY($1::text[]) ORDER BY event_key", [ids.map((id) => `test-fn:${id}`)]);
    expect(runs.rows.map((r) => r.event_key)).toEqual([a, b, d].map((id) => `test-fn:${id}`));
  });

  it("refuses two deliveries of one event in one statement and stores nothing of it", async () => {
    const id = `dup-${randomUUID()}`;
    const other = `other-${randomUUID()}`;
    await expect(
      storeDeliveries(suite.db, [
        { delivery: delivery(other), runs: null },
        { delivery: delivery(id), runs: null },
        { delivery: delivery(id), runs: null },
      ]),
    ).rejects.toThrow("two deliveries of one event");
    const stored = await suite.db.query("SELECT 1 FROM event WHERE event_id = ANY($1::text[])", [[id, other]]);
    expect(stored.rowCount).toBe(0);
  });
});
