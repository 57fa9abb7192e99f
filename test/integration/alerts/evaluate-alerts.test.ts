import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { EmbeddedExecutor } from "@/inngest/embedded/executor";
import { testPool } from "../../helpers/db-client";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";
import { waitFor } from "../../helpers/wait-for";
import { quietLogger } from "../executor/harness";
import * as seed from "./seed";
import { startWebhookReceiver, type ReceivedMessage, type WebhookReceiver } from "./webhook-receiver";

// The evaluate-alerts function as the app runs it without Inngest: registered in
// inngest/functions, synced by the embedded executor, fired by its cron (the executor's clock is
// moved a minute per evaluation instead of waiting for one), against a real database, posting
// to a real HTTP webhook on 127.0.0.1.

const FN_ID = "smartcar-monitor-evaluate-alerts";
const VEHICLE_CAP = 2;

let database: TestDatabase;
let db: pg.Pool;
let webhook: WebhookReceiver;
let executor: EmbeddedExecutor;
let dataDir: string;
let clock = new Date();

beforeAll(async () => {
  database = await createTestDatabase("alerts_eval");
  db = testPool(database.url);
  webhook = await startWebhookReceiver();
  dataDir = mkdtempSync(path.join(os.tmpdir(), "smartcar-alerts-"));
  // Read once, at the first env() call below: the app's configuration for this file.
  Object.assign(process.env, {
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    QUEUE_MODE: "embedded",
    SMARTCAR_MANAGEMENT_TOKEN: "current-token",
    SMARTCAR_MANAGEMENT_TOKEN_PREVIOUS: "previous-token",
    ALERT_WEBHOOK_URL: webhook.url,
    ALERT_WEBHOOK_TIMEOUT_MS: "500",
    ALERT_VEHICLE_ALERTS_MAX: String(VEHICLE_CAP),
  });
  const { inngest } = await import("@/inngest/client");
  const { functions } = await import("@/inngest/functions");
  const { startEmbeddedExecutor } = await import("@/inngest/embedded/executor");
  const { pool } = await import("@/lib/db/pool");
  // Only this function: the test owns every cron tick it sees.
  const registered = functions.filter((fn) => fn.id() === "evaluate-alerts");
  expect(registered).toHaveLength(1);
  executor = await startEmbeddedExecutor({
    client: inngest,
    functions: registered,
    pool: pool(),
    logger: quietLogger,
    now: () => clock,
    cronIntervalMs: 10,
    pollIntervalMs: 10,
    backoffBaseMs: 20,
  });
});

afterAll(async () => {
  await executor?.stop();
  const { closePool } = await import("@/lib/db/pool");
  await closePool();
  await webhook?.close();
  await db?.end();
  await database?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  await seed.clearAll(db);
  webhook.received.length = 0;
  webhook.mode = "ok";
});

/** Fires one cron tick and waits for its run to settle; the run must succeed. */
async function evaluate(): Promise<void> {
  const settled = async () => (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM executor_run WHERE fn_id = $1 AND status IN ('DONE', 'FAILED')", [FN_ID])).rows[0]?.n ?? 0;
  const before = await settled();
  clock = new Date(clock.getTime() + 60_000);
  await waitFor(async () => ((await settled()) > before ? true : undefined), { what: "an evaluate-alerts run to settle" });
  const last = await db.query<{ status: string; last_error: string | null }>("SELECT status, last_error FROM executor_run WHERE fn_id = $1 ORDER BY finished_at DESC LIMIT 1", [FN_ID]);
  expect(last.rows[0]).toEqual({ status: "DONE", last_error: null });
}

interface AlertRow {
  id: string;
  rule: string;
  subject: string;
  dedupe_key: string;
  open_key: string | null;
  state: string;
  severity: string;
  title: string;
  detail: Record<string, unknown>;
  opened_at: Date;
  last_seen_at: Date;
  acknowledged_by: string | null;
  resolved_at: Date | null;
  notified_at: Date | null;
  notify_error: string | null;
}

async function alerts(where = "TRUE", values: unknown[] = []): Promise<AlertRow[]> {
  return (await db.query<AlertRow>(`SELECT *, id::text AS id FROM alert WHERE ${where} ORDER BY alert.id`, values)).rows;
}

const liveKeys = async () => (await alerts("open_key IS NOT NULL")).map((a) => a.dedupe_key).sort();
const messages = (received: ReceivedMessage[]) => received.map((m) => `${m.transition} ${m.rule}${m.subject ? `:${m.subject}` : ""}`).sort();

describe("evaluate-alerts", () => {
  it("opens one alert per firing rule, keeps it single across evaluations and announces each opening once", async () => {
    await seed.signatureRejections(db, 12);
    await seed.deliveries(db, 3, "previous");
    await seed.deliveries(db, 5, "current");
    await seed.processingAttempts(db, { ok: 20, failed: 10 });
    const deadLetterId = await seed.deadLetter(db);
    const stuckId = await seed.pendingEvent(db, { minutesAgo: 12 });
    // 100 deliveries in this hour, ten of them between 5 and 15 s: p95 ≈ 10 s.
    await seed.receiveTimes(db, { "50": 90, "15000": 10 });
    const silent = await seed.vehicle(db, { quietMinutes: 120 });
    const reauth = await seed.vehicle(db, { quietMinutes: 1, needsReauth: true });
    await seed.openCondition(db, reauth, "PERMISSION", "TOKEN_REVOKED");
    const outage = await seed.outageWindow(db, { mode: "refused", startedMinutesAgo: 20, endedMinutesAgo: 15, refused: 7 });

    await evaluate();
    const expected = [
      "backlog_age",
      "dead_letters",
      "previous_token_in_use",
      "processing_error_rate",
      "receive_latency",
      "signature_failures",
      `storage_outage:${outage}`,
      `vehicle_needs_reauth:${reauth}`,
      `vehicle_silent:${silent}`,
    ].sort();
    expect(await liveKeys()).toEqual(expected);
    const first = await alerts();
    expect(first.every((a) => a.state === "OPEN" && a.notified_at !== null && a.notify_error === null)).toBe(true);
    const byRule = new Map(first.map((a) => [a.rule, a]));
    expect(byRule.get("signature_failures")).toMatchObject({ severity: "warning", detail: { signatureMismatch: 12, verifiedDeliveries: 8 } });
    expect(byRule.get("previous_token_in_use")?.detail).toMatchObject({ deliveries: 3 });
    expect(byRule.get("processing_error_rate")?.detail).toMatchObject({ attempts: 30, failed: 10 });
    expect(byRule.get("dead_letters")?.detail).toMatchObject({ count: 1, lastEventId: deadLetterId, lastReason: "NO_VEHICLE_ID" });
    expect(byRule.get("backlog_age")?.detail).toMatchObject({ oldestEventId: stuckId, pending: 1 });
    expect(byRule.get("receive_latency")?.detail).toMatchObject({ samples: 100, p95Ms: 10_000 });
    expect(byRule.get("storage_outage")).toMatchObject({ severity: "critical", subject: outage, detail: { refused: 7, mode: "refused" } });
    expect(byRule.get("vehicle_needs_reauth")?.detail).toMatchObject({ vehicleId: reauth, conditions: "PERMISSION:TOKEN_REVOKED" });
    expect(messages(webhook.received)).toEqual(expected.map((key) => `opened ${key}`).sort());

    await evaluate();
    const second = await alerts();
    expect(second.map((a) => a.id)).toEqual(first.map((a) => a.id));
    for (const [i, alert] of second.entries()) expect(alert.last_seen_at.getTime()).toBeGreaterThan(first[i]?.last_seen_at.getTime() ?? Infinity);
    expect(webhook.received).toHaveLength(expected.length);
  });

  it("resolves an alert once its condition clears, acknowledged or not, and opens a new one when it comes back", async () => {
    const stuck = await seed.pendingEvent(db, { minutesAgo: 10 });
    await seed.deadLetter(db);
    await evaluate();
    const [backlog] = await alerts("rule = 'backlog_age'");
    expect(backlog?.state).toBe("OPEN");

    const { acknowledgeAlert } = await import("@/lib/alerts/acknowledge");
    const acknowledged = await acknowledgeAlert({ kind: "token", name: "on-call", role: "support" }, backlog?.id ?? "");
    expect(acknowledged).toMatchObject({ state: "ACKNOWLEDGED", acknowledgedBy: "on-call" });
    webhook.received.length = 0;

    await db.query("UPDATE event SET status = 'PROCESSED', processed_at = now() WHERE event_id = $1", [stuck]);
    await evaluate();
    const [resolved] = await alerts("id = $1", [backlog?.id]);
    expect(resolved).toMatchObject({ state: "RESOLVED", open_key: null, acknowledged_by: "on-call", resolved_at: expect.any(Date) });
    expect(await liveKeys()).toEqual(["dead_letters"]);
    expect(messages(webhook.received)).toEqual(["resolved backlog_age"]);
    expect(webhook.received[0]?.text).toBe("✅ Resolved: Processing backlog is not draining");

    await seed.pendingEvent(db, { minutesAgo: 8 });
    await evaluate();
    const all = await alerts("rule = 'backlog_age'");
    expect(all.map((a) => [a.id === backlog?.id, a.state])).toEqual([
      [true, "RESOLVED"],
      [false, "OPEN"],
    ]);
    expect(messages(webhook.received)).toEqual(["opened backlog_age", "resolved backlog_age"]);
  });

  it("measures a re-driven event's wait from its re-drive, not from its first receipt a month ago", async () => {
    const redriven = await seed.pendingEvent(db, { minutesAgo: 30 * 24 * 60 });
    await db.query("UPDATE event SET redrives = 1, dispatched_at = now() - interval '1 minute' WHERE event_id = $1", [redriven]);
    await evaluate();
    expect(await liveKeys()).toEqual([]);

    await db.query("UPDATE event SET dispatched_at = now() - interval '10 minutes' WHERE event_id = $1", [redriven]);
    await evaluate();
    const [alert] = await alerts();
    expect(alert).toMatchObject({ rule: "backlog_age", detail: { oldestEventId: redriven, oldestAgeSeconds: expect.any(Number) } });
    expect(alert?.detail.oldestAgeSeconds).toBeGreaterThanOrEqual(600);
    expect(alert?.detail.oldestAgeSeconds).toBeLessThan(700);
  });

  it("records a failing webhook on the alert, keeps evaluating, and delivers the message once the webhook answers", async () => {
    await seed.deadLetter(db);
    webhook.mode = "fail";
    await evaluate();
    let [alert] = await alerts();
    expect(alert).toMatchObject({ rule: "dead_letters", state: "OPEN", notified_at: null, notify_error: "the webhook answered HTTP 500" });

    webhook.mode = "hang";
    await evaluate();
    [alert] = await alerts();
    expect(alert).toMatchObject({ notified_at: null, notify_error: "no answer within 500 ms" });

    webhook.mode = "ok";
    await evaluate();
    [alert] = await alerts();
    expect(alert).toMatchObject({ notified_at: expect.any(Date), notify_error: null });
    expect(webhook.received.map((m) => [m.transition, m.rule, m.answeredWith])).toEqual([
      ["opened", "dead_letters", "fail"],
      ["opened", "dead_letters", "hang"],
      ["opened", "dead_letters", "ok"],
    ]);
    // Nothing about the webhook's address is kept with the alert.
    const { rows } = await db.query<{ text: string }>("SELECT alert::text AS text FROM alert");
    expect(rows[0]?.text).not.toMatch(/127\.0\.0\.1|secret-path/);
  });

  it("caps per-vehicle alerts, keeps alerting the same vehicles, and counts the rest in a fleet alert", async () => {
    const quiet90 = await seed.vehicle(db, { quietMinutes: 90 });
    const quiet120 = await seed.vehicle(db, { quietMinutes: 120 });
    await seed.vehicle(db, { quietMinutes: 300 });
    await seed.vehicle(db, { quietMinutes: 400 });
    await seed.vehicle(db, { quietMinutes: 10 });
    // Silent too, but its health is OPEN_ERRORS: the vehicle list shows it there, not as silent.
    const withErrors = await seed.vehicle(db, { quietMinutes: 500 });
    await seed.openCondition(db, withErrors, "UNREACHABLE");

    await evaluate();
    expect(await liveKeys()).toEqual([`vehicle_silent:${quiet120}`, `vehicle_silent:${quiet90}`, "vehicles_silent"].sort());
    expect((await alerts("rule = 'vehicles_silent'"))[0]?.detail).toMatchObject({ total: 4, individualAlerts: VEHICLE_CAP });

    // A vehicle going quiet more recently does not take a slot from one already alerted.
    const quiet70 = await seed.vehicle(db, { quietMinutes: 70 });
    await evaluate();
    expect(await liveKeys()).toEqual([`vehicle_silent:${quiet120}`, `vehicle_silent:${quiet90}`, "vehicles_silent"].sort());
    expect((await alerts("rule = 'vehicles_silent'"))[0]?.detail).toMatchObject({ total: 5 });

    // One reports again: its alert resolves and the freed slot goes to the next vehicle.
    await db.query("UPDATE vehicle SET last_seen_at = now() WHERE vehicle_id = $1", [quiet90]);
    await evaluate();
    expect(await liveKeys()).toEqual([`vehicle_silent:${quiet120}`, `vehicle_silent:${quiet70}`, "vehicles_silent"].sort());
    expect(messages(webhook.received)).toEqual(
      [`opened vehicle_silent:${quiet90}`, `opened vehicle_silent:${quiet120}`, "opened vehicles_silent", `resolved vehicle_silent:${quiet90}`, `opened vehicle_silent:${quiet70}`].sort(),
    );
  });

  it("announces every storage outage window: critical when refused, a warning when spooled, resolved after the grace period", async () => {
    const refused = await seed.outageWindow(db, { mode: "refused", startedMinutesAgo: 30, endedMinutesAgo: 20, refused: 40 });
    const spooled = await seed.outageWindow(db, { mode: "spooled", startedMinutesAgo: 3, endedMinutesAgo: null, spooled: 12 });
    // Reported only long after it ended (say, by an instance that came back late): announced once all the same.
    const late = await seed.outageWindow(db, { mode: "refused", startedMinutesAgo: 400, endedMinutesAgo: 390, refused: 2 });

    const bySubject = async () => (await alerts()).sort((a, b) => Number(a.subject) - Number(b.subject));
    await evaluate();
    expect((await bySubject()).map((a) => [a.subject, a.severity, a.state])).toEqual([
      [refused, "critical", "OPEN"],
      [spooled, "warning", "OPEN"],
      [late, "critical", "OPEN"],
    ]);

    await evaluate();
    expect((await bySubject()).map((a) => [a.subject, a.state])).toEqual([
      [refused, "OPEN"],
      [spooled, "OPEN"],
      [late, "RESOLVED"],
    ]);

    await db.query("UPDATE outage_window SET ended_at = now() - interval '61 minutes' WHERE id = $1", [refused]);
    await evaluate();
    expect(await liveKeys()).toEqual([`storage_outage:${spooled}`]);
    expect(messages(webhook.received)).toEqual(
      [`opened storage_outage:${refused}`, `opened storage_outage:${spooled}`, `opened storage_outage:${late}`, `resolved storage_outage:${late}`, `resolved storage_outage:${refused}`].sort(),
    );
  });

  it("leaves everything alone while another evaluation holds the lock", async () => {
    await seed.deadLetter(db);
    const holder = await db.connect();
    try {
      await holder.query("SELECT pg_advisory_lock(hashtext('smartcar-monitor.alerts'))");
      await evaluate();
      expect(await alerts()).toEqual([]);
      expect(webhook.received).toEqual([]);
    } finally {
      await holder.query("SELECT pg_advisory_unlock(hashtext('smartcar-monitor.alerts'))");
      holder.release();
    }
    await evaluate();
    expect(await liveKeys()).toEqual(["dead_letters"]);
  });
});
