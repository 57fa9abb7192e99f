import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type pg from "pg";
import { describe, expect, it } from "vitest";
import { decodeSegment, encodeEntry, type SpooledDelivery } from "@/lib/spool/entry";
import { startApp, type RunningApp } from "../../helpers/app";
import { finalEventRow, testPool } from "../../helpers/db-client";
import { vehicleState } from "../../helpers/events";
import { postWebhook } from "../../helpers/smartcar";
import { startStoppablePostgres, type StoppablePostgres } from "../../helpers/stoppable-postgres";
import { waitFor } from "../../helpers/wait-for";

// The receiver with its database taken away (API.md §1 row 8): a verified delivery is answered
// 200 from the local spool once it is fsync'ed, and stored — original receipt time, duplicates
// as duplicates — when the database is back; without a spool it is refused. Every outage leaves
// one outage_window row. The app runs under `next start` on a Postgres of the test's own.

const METRICS_TOKEN = "metrics-token-for-spool-tests";
// A run cut off by the outage is handed back when its lease expires: scaled down like the outage.
const ENV = { EXECUTOR_LEASE_MS: "2000", METRICS_TOKEN };

const soc = (vehicleId: string, value: number, oemUpdatedAt: number, eventId?: string) =>
  vehicleState(vehicleId, [{ code: "tractionbattery-stateofcharge", value, unit: "percent", oemUpdatedAt }], { eventId });

function eventIdOf(body: string): string {
  const parsed: unknown = JSON.parse(body);
  if (typeof parsed !== "object" || parsed === null || !("eventId" in parsed) || typeof parsed.eventId !== "string") throw new Error("no eventId");
  return parsed.eventId;
}

function spoolEntries(dataDir: string): SpooledDelivery[] {
  const dir = path.join(dataDir, "spool");
  return readdirSync(dir)
    .filter((name) => name.startsWith("segment-"))
    .sort()
    .flatMap((name) => decodeSegment(readFileSync(path.join(dir, name))).entries);
}

async function metricsText(app: RunningApp): Promise<string> {
  const res = await fetch(`${app.url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  return res.text();
}

function logLines(app: RunningApp, msg: string): number {
  return app.output().split("\n").filter((line) => line.includes(`"msg":"${msg}`)).length;
}

interface OutageRow {
  mode: string;
  refused: number;
  spooled: number;
  replayed: number;
  started_at: Date;
  ended_at: Date;
  instance: string;
}

async function outageRows(db: pg.Pool): Promise<OutageRow[]> {
  return (await db.query<OutageRow>("SELECT mode, refused, spooled, replayed, started_at, ended_at, instance FROM outage_window ORDER BY id")).rows;
}

async function withStoppablePostgres(fn: (pgServer: StoppablePostgres) => Promise<void>): Promise<void> {
  const pgServer = await startStoppablePostgres();
  try {
    await fn(pgServer);
  } finally {
    await pgServer.remove();
  }
}

describe("the database stopped, spool enabled (the default)", () => {
  it("answers 200 from the fsync'ed spool and stores every delivery with its original receipt time once the database is back", { timeout: 120_000 }, async () => {
    await withStoppablePostgres(async (pgServer) => {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), "smartcar-spool-app-"));
      const app = await startApp({ databaseUrl: pgServer.url, dataDir, env: ENV });
      const db = testPool(pgServer.url);
      try {
        const vehicleId = `spool${randomUUID().slice(0, 8)}`;
        const t0 = Date.now() - 60_000;
        const before = await postWebhook(app.url, soc(vehicleId, 10, t0));
        expect(before.status).toBe(200);
        const beforeId = ((await before.json()) as { eventId: string }).eventId;

        await pgServer.stop();

        const bodies = [soc(vehicleId, 20, t0 + 1_000), soc(vehicleId, 21, t0 + 2_000), soc(vehicleId, 22, t0 + 3_000)];
        const eventIds = bodies.map(eventIdOf);
        // Smartcar's retry of the first one: same eventId, new deliveryId and deliveredAt.
        const retry = soc(vehicleId, 20, t0 + 1_000, eventIds[0]);
        const answers: unknown[] = [];
        for (const body of [...bodies, retry]) {
          const started = Date.now();
          const res = await postWebhook(app.url, body);
          expect(res.status).toBe(200);
          answers.push(await res.json());
          expect(Date.now() - started).toBeLessThan(5_000);
        }
        expect(answers).toEqual([
          { status: "accepted", eventId: eventIds[0] },
          { status: "accepted", eventId: eventIds[1] },
          { status: "accepted", eventId: eventIds[2] },
          { status: "duplicate", eventId: eventIds[0] },
        ]);

        // Each 200 came after its entry reached the disk: all four are in the spool files now.
        const spooled = spoolEntries(dataDir);
        expect(spooled.map((e) => e.eventId)).toEqual([...eventIds, eventIds[0]]);
        expect(spooled.every((e) => e.tokenSlot === "current" && e.userAgent === "Smartcar/test")).toBe(true);
        expect(spooled.map((e) => e.rawBody)).toEqual([...bodies, retry]);
        const metrics = await metricsText(app);
        expect(metrics).toContain('smartcar_deliveries_total{outcome="spooled",reason=""} 4');
        expect(metrics).toMatch(/^smartcar_spool_entries 4$/m);
        expect(metrics).toMatch(/^smartcar_storage_breaker_open 1$/m);

        // The executor (in its worker, at a lower priority) notices the outage at its next claim:
        // wait for that before the database comes back.
        await waitFor(() => (logLines(app, "executor.database_unavailable") > 0 ? true : undefined), { timeoutMs: 15_000, what: "the executor to notice the outage" });
        const restartedAt = Date.now();
        await pgServer.start();
        for (const eventId of [beforeId, ...eventIds]) {
          const row = await waitFor(() => finalEventRow(db, eventId), { timeoutMs: 30_000, what: `event ${eventId} to be processed` });
          expect(row).toMatchObject({ status: "PROCESSED" });
        }

        // Stored as the receiver would have: original receivedAt; the retry is a duplicate delivery of one event.
        for (const entry of spooled.slice(0, 3)) {
          const event = await db.query<{ received_at: Date; delivery_count: number }>("SELECT received_at, delivery_count FROM event WHERE event_id = $1", [entry.eventId]);
          expect(event.rows[0]?.received_at.getTime()).toBe(entry.receivedAt.getTime());
          expect(entry.receivedAt.getTime()).toBeLessThan(restartedAt);
        }
        const deliveries = await db.query<{ delivery_id: string; received_at: Date; duplicate: boolean; token_slot: string; user_agent: string }>(
          "SELECT delivery_id, received_at, duplicate, token_slot, user_agent FROM delivery WHERE event_id = $1 ORDER BY received_at",
          [eventIds[0]],
        );
        expect(deliveries.rows).toEqual([
          { delivery_id: spooled[0]?.deliveryId, received_at: spooled[0]?.receivedAt, duplicate: false, token_slot: "current", user_agent: "Smartcar/test" },
          { delivery_id: spooled[3]?.deliveryId, received_at: spooled[3]?.receivedAt, duplicate: true, token_slot: "current", user_agent: "Smartcar/test" },
        ]);
        const counts = await db.query<{ events: string; deliveries: string }>(
          "SELECT (SELECT count(*) FROM event WHERE vehicle_id = $1) AS events, (SELECT count(*) FROM delivery d JOIN event e USING (event_id) WHERE e.vehicle_id = $1) AS deliveries",
          [vehicleId],
        );
        expect(counts.rows[0]).toEqual({ events: "4", deliveries: "5" });
        const state = await db.query("SELECT body FROM vehicle_signal WHERE vehicle_id = $1 AND code = 'tractionbattery-stateofcharge'", [vehicleId]);
        expect(state.rows[0]?.body).toMatchObject({ value: 22 });

        // One window: spooled, nothing refused, everything replayed.
        const [window, ...others] = await waitFor(
          async () => {
            const rows = await outageRows(db);
            return rows[0] && rows[0].replayed > 0 ? rows : undefined;
          },
          { timeoutMs: 15_000, what: "the outage window with its replayed count" },
        );
        expect(others).toEqual([]);
        expect(window).toMatchObject({ mode: "spooled", refused: 0, spooled: 4, replayed: 4 });
        expect(window?.instance).toMatch(/:\d+$/);
        expect(window?.started_at.getTime()).toBeLessThanOrEqual(spooled[0]?.receivedAt.getTime() ?? 0);
        expect(window?.ended_at.getTime()).toBeGreaterThanOrEqual(restartedAt);

        // The spool is empty again, and an outage is one warn and one info line, not one per delivery.
        expect(spoolEntries(dataDir)).toEqual([]);
        expect(readdirSync(path.join(dataDir, "spool")).filter((n) => n !== "owner.pid")).toEqual([]);
        expect(await metricsText(app)).toMatch(/^smartcar_spool_entries 0$/m);
        expect(logLines(app, "storage.outage_started")).toBe(1);
        expect(logLines(app, "storage.outage_ended")).toBe(1);
        // The executor noticed too, once each way, instead of an error per poll.
        expect(logLines(app, "executor.database_unavailable")).toBe(1);
        await waitFor(() => (logLines(app, "executor.database_recovered") > 0 ? true : undefined), { timeoutMs: 15_000, what: "the executor to notice the recovery" });
        expect(logLines(app, "executor.database_recovered")).toBe(1);
        expect(logLines(app, "executor.claim.failed") + logLines(app, "executor.task.failed")).toBe(0);
        expect(app.output()).not.toContain("uncaughtException");
      } finally {
        await app.stop();
        await db.end();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
});

describe("the database stopped, spool disabled", () => {
  it("answers 503 fast and records a refused outage window with the refused count", { timeout: 90_000 }, async () => {
    await withStoppablePostgres(async (pgServer) => {
      const app = await startApp({ databaseUrl: pgServer.url, env: { ...ENV, SPOOL_ENABLED: "false" } });
      try {
        const vehicleId = `refuse${randomUUID().slice(0, 8)}`;
        expect((await postWebhook(app.url, soc(vehicleId, 1, Date.now()))).status).toBe(200);
        await pgServer.stop();
        for (let i = 0; i < 3; i++) {
          const res = await postWebhook(app.url, soc(vehicleId, 2 + i, Date.now()));
          expect(res.status).toBe(503);
          expect(await res.json()).toMatchObject({ error: { code: "STORAGE_UNAVAILABLE" } });
        }
        expect(await metricsText(app)).toContain('smartcar_deliveries_total{outcome="rejected",reason="STORAGE_UNAVAILABLE"} 3');
        expect(readdirSync(app.dataDir)).not.toContain("spool");
        await pgServer.start();
        const db = testPool(pgServer.url);
        try {
          const rows = await waitFor(async () => {
            const found = await outageRows(db);
            return found.length > 0 ? found : undefined;
          }, { timeoutMs: 15_000, what: "the outage window row" });
          expect(rows).toEqual([expect.objectContaining({ mode: "refused", refused: 3, spooled: 0, replayed: 0 })]);
        } finally {
          await db.end();
        }
        expect(logLines(app, "storage.outage_started")).toBe(1);
        expect(logLines(app, "storage.outage_ended")).toBe(1);
      } finally {
        await app.stop();
      }
    });
  });
});

describe("the app SIGKILLed with deliveries in the spool", () => {
  it("replays them at the next start and records the outage it could not close", { timeout: 120_000 }, async () => {
    await withStoppablePostgres(async (pgServer) => {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), "smartcar-spool-crash-"));
      try {
        const first = await startApp({ databaseUrl: pgServer.url, dataDir, env: ENV });
        const vehicleId = `crash${randomUUID().slice(0, 8)}`;
        const t0 = Date.now() - 60_000;
        expect((await postWebhook(first.url, soc(vehicleId, 30, t0))).status).toBe(200);
        await pgServer.stop();
        const bodies = [soc(vehicleId, 31, t0 + 1_000), soc(vehicleId, 32, t0 + 2_000), soc(vehicleId, 33, t0 + 3_000)];
        for (const body of bodies) expect((await postWebhook(first.url, body)).status).toBe(200);
        await first.kill();
        expect(spoolEntries(dataDir).map((e) => e.eventId)).toEqual(bodies.map(eventIdOf));

        await pgServer.start();
        const second = await startApp({ databaseUrl: pgServer.url, dataDir, env: ENV });
        const db = testPool(pgServer.url);
        try {
          for (const body of bodies) {
            const row = await waitFor(() => finalEventRow(db, eventIdOf(body)), { timeoutMs: 30_000, what: "a spooled event to be processed after the restart" });
            expect(row).toMatchObject({ status: "PROCESSED" });
          }
          const state = await db.query("SELECT body FROM vehicle_signal WHERE vehicle_id = $1", [vehicleId]);
          expect(state.rows[0]?.body).toMatchObject({ value: 33 });
          const rows = await waitFor(async () => {
            const found = await outageRows(db);
            return found[0] && found[0].replayed > 0 ? found : undefined;
          }, { timeoutMs: 15_000, what: "the recovered outage window" });
          expect(rows).toEqual([expect.objectContaining({ mode: "spooled", refused: 0, spooled: 3, replayed: 3 })]);
          expect(logLines(second, "storage.outage_recovered_after_restart")).toBe(1);
          expect(spoolEntries(dataDir)).toEqual([]);
        } finally {
          await second.stop();
          await db.end();
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
});

describe("a spooled delivery the database refuses for good", () => {
  it("is set aside in unreplayable.jsonl while the rest of its segment is replayed", { timeout: 90_000 }, async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "smartcar-spool-poison-"));
    const spoolDir = path.join(dataDir, "spool");
    mkdirSync(spoolDir, { recursive: true });
    const vehicleId = `poison${randomUUID().slice(0, 8)}`;
    const entry = (body: string, value: number): SpooledDelivery => ({
      eventId: eventIdOf(body),
      eventType: "VEHICLE_STATE",
      vehicleId,
      userId: "user-1",
      mode: "LIVE",
      rawBody: body,
      bodyBytes: Buffer.byteLength(body),
      deliveryId: `delivery-${value}`,
      deliveredAt: Date.now() - 60_000,
      tokenSlot: "current",
      userAgent: "Smartcar/test",
      receivedAt: new Date(Date.now() - 60_000 + value),
    });
    const good = [soc(vehicleId, 1, Date.now() - 60_000), soc(vehicleId, 2, Date.now() - 59_000)];
    // Left by an earlier process; Postgres refuses a NUL character in text, whatever its state.
    const poison = { ...entry(good[0] ?? "", 9), eventId: randomUUID(), rawBody: "{\u0000}" };
    writeFileSync(path.join(spoolDir, "segment-000000000000001-000001.jsonl"), Buffer.concat([encodeEntry(entry(good[0] ?? "", 1)), encodeEntry(poison), encodeEntry(entry(good[1] ?? "", 2))]));

    await withStoppablePostgres(async (pgServer) => {
      const app = await startApp({ databaseUrl: pgServer.url, dataDir, env: ENV });
      const db = testPool(pgServer.url);
      try {
        for (const body of good) {
          const row = await waitFor(() => finalEventRow(db, eventIdOf(body)), { timeoutMs: 30_000, what: "the good entries to be replayed and processed" });
          expect(row).toMatchObject({ status: "PROCESSED" });
        }
        await waitFor(() => (spoolEntries(dataDir).length === 0 ? true : undefined), { what: "the segment to be removed" });
        const setAside = decodeSegment(readFileSync(path.join(spoolDir, "unreplayable.jsonl")));
        expect(setAside.entries.map((e) => e.eventId)).toEqual([poison.eventId]);
        expect(await db.query("SELECT 1 FROM event WHERE event_id = $1", [poison.eventId]).then((r) => r.rowCount)).toBe(0);
        expect(await metricsText(app)).toMatch(/^smartcar_spool_unreplayable_total 1$/m);
        expect(logLines(app, "spool.entry_set_aside")).toBe(1);
      } finally {
        await app.stop();
        await db.end();
      }
    });
    rmSync(dataDir, { recursive: true, force: true });
  });
});

