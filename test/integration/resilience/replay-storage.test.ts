import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { addReplayed, insertOutageWindow } from "@/lib/ingest/outage-windows";
import { storeSpooledBatch } from "@/lib/ingest/store-spooled";
import type { SpooledDelivery } from "@/lib/spool/entry";
import { useTestDatabase } from "../../helpers/test-database";

// The database side of a replay, on a real Postgres: spooled deliveries are stored exactly as the
// receiver would have stored them, a replay interrupted after its commit can run again without
// adding rows, and an outage window recorded twice (crash before its marker was rewritten) is
// one row.

const suite = useTestDatabase();

function spooled(eventId: string, receivedAt: Date, deliveryId: string | null = randomUUID()): SpooledDelivery {
  const rawBody = JSON.stringify({ eventId, eventType: "VEHICLE_STATE", vehicleId: "veh-replay" });
  return {
    eventId,
    eventType: "VEHICLE_STATE",
    vehicleId: "veh-replay",
    userId: "user-1",
    mode: "LIVE",
    rawBody,
    bodyBytes: Buffer.byteLength(rawBody),
    deliveryId,
    deliveredAt: receivedAt.getTime() - 100,
    tokenSlot: "previous",
    userAgent: "Smartcar/replay",
    receivedAt,
  };
}

describe("storeSpooledBatch", () => {
  it("stores with the original receipt time, duplicates as duplicates, and skips what an earlier replay already stored", async () => {
    const eventId = randomUUID();
    const first = spooled(eventId, new Date("2026-11-29T08:00:00.123Z"));
    const retry = spooled(eventId, new Date("2026-11-29T08:00:25.456Z"));
    const other = spooled(randomUUID(), new Date("2026-11-29T08:00:01.000Z"), null);

    const results = await storeSpooledBatch(suite.db, [first, retry, other]);
    expect(results.map((r) => (r.kind === "stored" ? { kind: r.kind, duplicate: r.stored.duplicate } : { kind: r.kind }))).toEqual([
      { kind: "stored", duplicate: false },
      { kind: "stored", duplicate: true },
      { kind: "stored", duplicate: false },
    ]);
    // The same batch again (the segment outlived the commit): nothing new.
    expect((await storeSpooledBatch(suite.db, [first, retry, other])).map((r) => r.kind)).toEqual(["already-stored", "already-stored", "already-stored"]);

    const event = await suite.db.query("SELECT received_at, first_delivered_at, delivery_count, raw_body, body_bytes FROM event WHERE event_id = $1", [eventId]);
    expect(event.rows).toEqual([{ received_at: first.receivedAt, first_delivered_at: new Date(first.deliveredAt ?? 0), delivery_count: 2, raw_body: first.rawBody, body_bytes: first.bodyBytes }]);
    const deliveries = await suite.db.query("SELECT delivery_id, received_at, duplicate, token_slot, user_agent FROM delivery WHERE event_id = $1 ORDER BY received_at", [eventId]);
    expect(deliveries.rows).toEqual([
      { delivery_id: first.deliveryId, received_at: first.receivedAt, duplicate: false, token_slot: "previous", user_agent: "Smartcar/replay" },
      { delivery_id: retry.deliveryId, received_at: retry.receivedAt, duplicate: true, token_slot: "previous", user_agent: "Smartcar/replay" },
    ]);
    // A legacy-style delivery without a deliveryId is recognised by its receipt time alone.
    expect(await suite.db.query("SELECT count(*)::int AS n FROM delivery WHERE event_id = $1", [other.eventId]).then((r) => r.rows[0]?.n)).toBe(1);
  });

  it("stores all of a batch or none of it", async () => {
    const good = spooled(randomUUID(), new Date("2026-11-29T09:00:00.000Z"));
    // Postgres refuses a NUL character in text: the second entry fails, the first must not stay.
    const bad = { ...spooled(randomUUID(), new Date("2026-11-29T09:00:01.000Z")), rawBody: "{\u0000}" };
    await expect(storeSpooledBatch(suite.db, [good, bad])).rejects.toThrow();
    expect(await suite.db.query("SELECT count(*)::int AS n FROM event WHERE event_id = ANY($1::text[])", [[good.eventId, bad.eventId]]).then((r) => r.rows[0]?.n)).toBe(0);
  });
});

describe("insertOutageWindow", () => {
  it("records a window once per instance and start, with its mode, and adds replayed counts", async () => {
    const window = { startedAt: new Date("2026-11-29T07:00:00.000Z"), endedAt: new Date("2026-11-29T07:04:00.000Z"), refused: 0, spooled: 7, instance: "host-a:42", spoolEnabled: true };
    const id = await insertOutageWindow(suite.db, window);
    expect(await insertOutageWindow(suite.db, window)).toBe(id);
    const refused = await insertOutageWindow(suite.db, { ...window, instance: "host-b:7", refused: 3, spooled: 0, spoolEnabled: false });
    await addReplayed(suite.db, id, 5);
    await addReplayed(suite.db, id, 2);
    const rows = await suite.db.query("SELECT id, mode, refused, spooled, replayed, instance FROM outage_window WHERE started_at = $1 ORDER BY id", [window.startedAt]);
    expect(rows.rows).toEqual([
      { id, mode: "spooled", refused: 0, spooled: 7, replayed: 7, instance: "host-a:42" },
      { id: refused, mode: "refused", refused: 3, spooled: 0, replayed: 0, instance: "host-b:7" },
    ]);
  });
});
