import { InngestTestEngine } from "@inngest/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";
import { fixtureBytes } from "../../helpers/smartcar";

// The function under @inngest/test: its real body against a real database. The engine models no
// retries and never calls onFailure (PLATFORM.md), so those are proven end to end elsewhere.
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
});

afterAll(async () => {
  const { closePool } = await import("@/lib/db/pool");
  await closePool();
  await database?.drop();
});

async function storeFixture(name: string): Promise<string> {
  const { pool } = await import("@/lib/db/pool");
  const { storeDelivery } = await import("@/lib/ingest/store-event");
  const { readEnvelope, parseJson } = await import("@/lib/smartcar/envelope");
  const raw = fixtureBytes(name);
  const parsed = parseJson(raw);
  if (!parsed.ok) throw new Error(`${name} is not JSON`);
  const envelope = readEnvelope(parsed.value, raw);
  if (envelope.kind !== "event") throw new Error(`${name} is not an event`);
  await storeDelivery(pool(), { ...envelope, rawBody: raw.toString("utf8"), bodyBytes: raw.byteLength, tokenSlot: "current", userAgent: null });
  return envelope.eventId;
}

describe("process-smartcar-event", () => {
  it("applies a stored event and is a no-op when run again", async () => {
    const { processSmartcarEvent } = await import("@/inngest/functions/process-smartcar-event");
    const eventId = await storeFixture("vehicle-state.real-shape.json");
    const engine = new InngestTestEngine({
      function: processSmartcarEvent,
      events: [{ name: "smartcar/event.received", data: { eventId, vehicleId: "332bc6bb-4f5b-4273-aac1-6949e721b454" } }],
    });
    const first = await engine.execute();
    expect(first.result).toEqual({ status: "PROCESSED", outcome: "APPLIED", applied: 14, stale: 0, failed: 2 });
    const again = await engine.execute();
    expect(again.result).toEqual({ status: "SKIPPED", why: "ALREADY_FINAL" });
  });

  it("rejects an event payload without an eventId", async () => {
    const { processSmartcarEvent } = await import("@/inngest/functions/process-smartcar-event");
    const engine = new InngestTestEngine({ function: processSmartcarEvent, events: [{ name: "smartcar/event.received", data: { vehicleId: "v" } }] });
    const run = await engine.execute();
    expect(run.error).toBeDefined();
  });

  it("skips an event id that was never stored", async () => {
    const { processSmartcarEvent } = await import("@/inngest/functions/process-smartcar-event");
    const engine = new InngestTestEngine({ function: processSmartcarEvent, events: [{ name: "smartcar/event.received", data: { eventId: "missing", vehicleId: null } }] });
    expect((await engine.execute()).result).toEqual({ status: "SKIPPED", why: "NOT_FOUND" });
  });
});
