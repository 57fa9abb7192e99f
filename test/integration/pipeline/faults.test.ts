import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ensureEmbeddedPostgres } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { startApp, type RunningApp } from "../../helpers/app";
import { eventRow, finalEventRow, testPool } from "../../helpers/db-client";
import { vehicleState } from "../../helpers/events";
import { freePort } from "../../helpers/postgres-server";
import { postWebhook } from "../../helpers/smartcar";
import { createTestDatabase } from "../../helpers/test-database";
import { waitFor } from "../../helpers/wait-for";

async function deliver(app: RunningApp, body: string): Promise<string> {
  const res = await postWebhook(app.url, body);
  expect(res.status).toBe(200);
  return ((await res.json()) as { eventId: string }).eventId;
}

const reading = (vehicleId: string, value = 50) =>
  vehicleState(vehicleId, [{ code: "tractionbattery-stateofcharge", value, unit: "percent", oemUpdatedAt: Date.now() }]);

describe("the database stopped during deliveries", () => {
  it("answers 503 fast while it is down, and processes every acknowledged event once it returns", async () => {
    const pgDir = mkdtempSync(path.join(os.tmpdir(), "smartcar-outage-pg-"));
    const port = await freePort();
    let server = await ensureEmbeddedPostgres({ dataDir: pgDir, port });
    await applyMigrations(server.url);
    // A run cut off by the outage cannot record its own failure; its lease expiring is what
    // hands it back, so the lease is scaled down like Smartcar's retry delays. Without a spool
    // (as on Vercel) the receiver refuses; test/integration/resilience covers the spool.
    const app = await startApp({ databaseUrl: server.url, env: { EXECUTOR_LEASE_MS: "2000", SPOOL_ENABLED: "false" } });
    const db = testPool(server.url);
    try {
      const vehicleId = `outage${randomUUID().slice(0, 8)}`;
      const before = [await deliver(app, reading(vehicleId, 10)), await deliver(app, reading(vehicleId, 11))];

      await db.end();
      await server.stop();
      const during = Array.from({ length: 4 }, (_, i) => reading(vehicleId, 20 + i));
      for (const body of during) {
        const started = Date.now();
        const res = await postWebhook(app.url, body);
        expect(res.status).toBe(503);
        expect(await res.json()).toMatchObject({ error: { code: "STORAGE_UNAVAILABLE" } });
        // Smartcar gives up on an answer after 15 s; a dead database must not hold the request.
        expect(Date.now() - started).toBeLessThan(5_000);
      }

      server = await ensureEmbeddedPostgres({ dataDir: pgDir, port });
      // Smartcar's retries of the refused deliveries, once storage is back.
      const retried = await waitFor(
        async () => {
          const res = await postWebhook(app.url, during[0] ?? "");
          return res.status === 200 ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 500, what: "the receiver to accept again" },
      );
      expect(retried).toBe(true);
      const after = [];
      for (const body of during) after.push(await deliver(app, body));

      const check = testPool(server.url);
      try {
        for (const eventId of [...before, ...after]) {
          const row = await waitFor(() => finalEventRow(check, eventId), { timeoutMs: 30_000, what: `event ${eventId}` });
          expect(row.status).toBe("PROCESSED");
        }
      } finally {
        await check.end();
      }
      // Connections dropped mid-query are errors to handle, never a process-level exception.
      expect(app.output()).not.toContain("uncaughtException");
    } finally {
      await app.stop();
      await server.stop();
      rmSync(pgDir, { recursive: true, force: true });
    }
  });
});

describe("a dispatch that fails after the acknowledgement", () => {
  it("is re-dispatched by the cron sweep and processed", async () => {
    const database = await createTestDatabase();
    const db = testPool(database.url);
    // The queue refuses the first dispatch of this vehicle's events (as an unreachable Inngest
    // event API would); the sweep's re-dispatch, with its own id, goes through.
    await db.query(`
CREATE FUNCTION test_refuse_dispatch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.event->'data'->>'vehicleId' LIKE 'nodispatch%' AND NEW.event_key NOT LIKE '%:sweep:%' THEN
    RAISE EXCEPTION 'queue unavailable';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER test_refuse_dispatch BEFORE INSERT ON executor_run FOR EACH ROW EXECUTE FUNCTION test_refuse_dispatch();`);
    const app = await startApp({ databaseUrl: database.url, env: { SWEEP_UNDISPATCHED_AFTER_SECONDS: "1" } });
    try {
      const eventId = await deliver(app, reading(`nodispatch${randomUUID().slice(0, 8)}`));
      // The receiver's statement that queues the run with the event is refused: the event is
      // stored on its own and acknowledged, and the dispatch after the answer fails too.
      expect(app.output()).toContain("webhook.enqueue_failed");
      await waitFor(() => (app.output().includes('"msg":"dispatch.failed"') ? true : undefined), { what: "the first dispatch to fail" });
      expect(await eventRow(db, eventId)).toMatchObject({ status: "PENDING", dispatched_at: null });
      // The sweep's cron fires every minute. Once the event is past SWEEP_UNDISPATCHED_AFTER_SECONDS,
      // its schedule is made due now (a tick id of its own), so the executor's next cron check
      // fires it instead of the next minute boundary.
      await waitFor(async () => ((await db.query("SELECT 1 FROM event WHERE event_id = $1 AND received_at < now() - interval '1 second'", [eventId])).rowCount ? true : undefined), {
        what: "the event to be old enough for the sweep",
      });
      const due = await db.query("UPDATE executor_cron SET next_run_at = now() WHERE fn_id LIKE '%sweep-undispatched-events'");
      expect(due.rowCount).toBe(1);
      const row = await waitFor(() => finalEventRow(db, eventId), { timeoutMs: 75_000, intervalMs: 250, what: "the sweep to recover the event" });
      expect(row).toMatchObject({ status: "PROCESSED", outcome: "APPLIED", sweeps: 1 });
      const runs = await db.query("SELECT event_key FROM executor_run WHERE event->'data'->>'eventId' = $1", [eventId]);
      expect(runs.rows.map((r) => r.event_key)).toEqual([`smartcar-monitor-process-smartcar-event:${eventId}:sweep:1`]);
    } finally {
      await app.stop();
      await db.end();
      await database.drop();
    }
  }, 120_000);
});
