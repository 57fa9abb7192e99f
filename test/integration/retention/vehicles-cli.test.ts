import { spawn } from "node:child_process";
import path from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testPool } from "../../helpers/db-client";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";
import { daysAgo, insertEvents, insertLatest, insertReadings, locationBody, PRECISE } from "./seed";

// `npm run vehicles` as an operator runs it: a child process reaching the database via DATABASE_URL.
let database: TestDatabase;
let db: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase("vehicles_cli");
  db = testPool(database.url);
  process.env.DATABASE_URL = database.url;
  for (const vehicleId of ["veh-gone", "veh-kept"]) {
    await insertEvents(db, [
      { eventId: `${vehicleId}-state`, status: "PROCESSED", receivedAt: daysAgo(2), rawBody: locationBody(`${vehicleId}-state`, vehicleId, "docs"), vehicleId },
      { eventId: `${vehicleId}-dead`, status: "DEAD_LETTERED", receivedAt: daysAgo(1), rawBody: locationBody(`${vehicleId}-dead`, vehicleId, "real"), vehicleId },
      { eventId: `${vehicleId}-pending`, status: "PENDING", receivedAt: daysAgo(0), rawBody: locationBody(`${vehicleId}-pending`, vehicleId, "docs"), vehicleId },
    ]);
    await db.query("UPDATE event SET user_id = 'user-1' WHERE vehicle_id = $1", [vehicleId]);
    await insertReadings(db, vehicleId, "location-preciselocation", [{ at: daysAgo(2), body: PRECISE }, { at: daysAgo(1), body: PRECISE }]);
    await insertReadings(db, vehicleId, "tractionbattery-stateofcharge", [{ at: daysAgo(2), body: null, value: 80 }]);
    await insertLatest(db, vehicleId, "location-preciselocation", PRECISE, daysAgo(1));
    await db.query(
      `INSERT INTO vehicle_condition (vehicle_id, type, code, state, signals, state_at, last_event_id, last_reported_at)
       VALUES ($1, 'UNREACHABLE', '', 'ERROR', '{}', now(), $2, now())`,
      [vehicleId, `${vehicleId}-state`],
    );
    // A legacy v2 body has no vehicle column: only its text names the vehicle.
    const legacy = JSON.stringify({ version: "2.0", webhookId: "w", eventName: "schedule", mode: "live", payload: { vehicles: [{ vehicleId, data: [] }] } });
    await db.query(
      "INSERT INTO event (event_id, event_type, raw_body, body_bytes, status, received_at) VALUES ($1, 'LEGACY_V2', $2, octet_length($2), 'PROCESSED', now())",
      [`v2:${vehicleId}`, legacy],
    );
    // Alerts about the vehicle, open and resolved.
    await db.query(
      `INSERT INTO alert (rule, subject, dedupe_key, open_key, state, severity, title)
       VALUES ('vehicle_silent', $1, 'vehicle_silent:' || $1, 'vehicle_silent:' || $1, 'OPEN', 'warning', 'Vehicle silent: ' || $1),
              ('vehicle_needs_reauth', $1, 'vehicle_needs_reauth:' || $1, NULL, 'RESOLVED', 'warning', 'Vehicle needs re-authorisation: ' || $1)`,
      [vehicleId],
    );
  }
  // A fleet-wide alert names no vehicle: a purge leaves it.
  await db.query("INSERT INTO alert (rule, subject, dedupe_key, open_key, severity, title) VALUES ('vehicles_silent', '', 'vehicles_silent', 'vehicles_silent', 'warning', 'More silent vehicles')");
});

afterAll(async () => {
  const { closePool } = await import("@/lib/db/pool");
  await closePool();
  await db?.end();
  await database?.drop();
});

function vehicles(args: string[], databaseUrl = database.url): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
  const env: NodeJS.ProcessEnv = { NODE_ENV: "test", PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl };
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, ["scripts/vehicles.ts", ...args], { cwd: process.cwd(), env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

async function dataOf(vehicleId: string): Promise<Record<string, number>> {
  const result = await db.query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM vehicle WHERE vehicle_id = $1)::int AS vehicle,
            (SELECT count(*) FROM vehicle_signal WHERE vehicle_id = $1)::int AS signals,
            (SELECT count(*) FROM signal_reading WHERE vehicle_id = $1)::int AS readings,
            (SELECT count(*) FROM vehicle_condition WHERE vehicle_id = $1)::int AS conditions,
            (SELECT count(*) FROM event WHERE vehicle_id = $1)::int AS events,
            (SELECT count(*) FROM event WHERE event_id = 'v2:' || $1 AND raw_body IS NOT NULL)::int AS legacy,
            (SELECT count(*) FROM alert WHERE subject = $1)::int AS alerts`,
    [vehicleId],
  );
  return result.rows[0] ?? {};
}

const everything = { vehicle: 1, signals: 1, readings: 3, conditions: 1, events: 3, legacy: 1, alerts: 2 };
const nothing = { vehicle: 0, signals: 0, readings: 0, conditions: 0, events: 0, legacy: 0, alerts: 0 };

describe("npm run vehicles", () => {
  it("lists the stored vehicles", async () => {
    const listed = await vehicles(["list"]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^VEHICLE\s+MAKE\s+MODEL\s+YEAR\s+LAST SEEN$/m);
    expect(listed.stdout).toMatch(/^veh-gone\s+TESLA\s+Model 3\s+-\s+-$/m);
    expect(listed.stdout).toMatch(/^veh-kept\s+/m);
  });

  it("counts without changing anything on --dry-run", async () => {
    const dry = await vehicles(["purge", "veh-gone", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("Dry run");
    expect(dry.stdout).toMatch(/^signal history readings\s+3$/m);
    expect(dry.stdout).toMatch(/^events \(kept as tombstones\)\s+4$/m);
    expect(dry.stdout).toMatch(/^alerts about the vehicle\s+2$/m);
    expect(await dataOf("veh-gone")).toEqual(everything);
    const audit = await db.query("SELECT count(*)::int AS n FROM audit_entry");
    expect(audit.rows[0]?.n).toBe(0);
  });

  it("purges exactly that vehicle: its state goes, its events stay as tombstones, and it is audited", async () => {
    const purged = await vehicles(["purge", "veh-gone"]);
    expect(purged.code, purged.stderr).toBe(0);
    expect(purged.stdout).toMatch(/^vehicle\s+1$/m);
    expect(purged.stdout).toMatch(/^events \(kept as tombstones\)\s+4$/m);
    expect(purged.stdout).toMatch(/^alerts about the vehicle\s+2$/m);

    expect(await dataOf("veh-gone")).toEqual(nothing);
    expect(await dataOf("veh-kept")).toEqual(everything);
    const fleetAlerts = await db.query("SELECT count(*)::int AS n FROM alert WHERE subject = ''");
    expect(fleetAlerts.rows[0]?.n).toBe(1);
    const tombstones = await db.query(
      "SELECT event_id, status, error_reason, raw_body, vehicle_id, user_id, payload_purged_at FROM event WHERE event_id LIKE 'veh-gone-%' OR event_id = 'v2:veh-gone' ORDER BY event_id COLLATE \"C\"",
    );
    const tombstone = { raw_body: null, vehicle_id: null, user_id: null, payload_purged_at: expect.any(Date) };
    expect(tombstones.rows).toEqual([
      // Its body named the vehicle.
      { event_id: "v2:veh-gone", status: "PROCESSED", error_reason: null, ...tombstone },
      { event_id: "veh-gone-dead", status: "DEAD_LETTERED", error_reason: null, ...tombstone },
      // Not left waiting without a payload: processing must not write the vehicle back.
      { event_id: "veh-gone-pending", status: "DEAD_LETTERED", error_reason: "PAYLOAD_PURGED", ...tombstone },
      { event_id: "veh-gone-state", status: "PROCESSED", error_reason: null, ...tombstone },
    ]);
    const kept = await db.query("SELECT count(*)::int AS n FROM event WHERE vehicle_id = 'veh-kept' AND raw_body IS NOT NULL AND user_id = 'user-1'");
    expect(kept.rows[0]?.n).toBe(3);

    const audit = await db.query("SELECT actor_type, actor_name, action, target_type, target_id, details FROM audit_entry");
    expect(audit.rows).toEqual([
      {
        actor_type: "cli",
        actor_name: expect.stringMatching(/.+/),
        action: "vehicle.purged",
        target_type: "vehicle",
        target_id: "veh-gone",
        details: { vehicle: 1, signals: 1, readings: 3, conditions: 1, events: 4, alerts: 2 },
      },
    ]);
  });

  it("does not bring the vehicle back when its purged pending event reaches processing", async () => {
    const { processStoredEvent } = await import("@/lib/processing/process-event");
    expect(await processStoredEvent("veh-gone-pending", { runId: null, attempt: 0 })).toEqual({ status: "SKIPPED", why: "ALREADY_FINAL" });
    expect(await dataOf("veh-gone")).toEqual(nothing);
  });

  it("keeps a tombstone's eventId, so the receiver's insert of a replay is still a duplicate", async () => {
    const { storeDelivery } = await import("@/lib/ingest/store-event");
    const replay = await storeDelivery(db, {
      eventId: "veh-gone-state",
      eventType: "VEHICLE_STATE",
      vehicleId: "veh-gone",
      userId: "user-1",
      mode: "LIVE",
      rawBody: locationBody("veh-gone-state", "veh-gone", "docs"),
      bodyBytes: 10,
      deliveryId: "replayed",
      deliveredAt: Date.now(),
      tokenSlot: "current",
      userAgent: null,
    });
    expect(replay).toEqual({ duplicate: true, needsDispatch: false });
    expect(await dataOf("veh-gone")).toMatchObject({ events: 0 });
    const row = await db.query("SELECT raw_body, vehicle_id FROM event WHERE event_id = 'veh-gone-state'");
    expect(row.rows[0]).toEqual({ raw_body: null, vehicle_id: null });
  });

  it("exits 1 with a clear message for a vehicle with nothing stored, and 2 on bad usage", async () => {
    const unknown = await vehicles(["purge", "veh-gone"]);
    expect(unknown).toMatchObject({ code: 1, stdout: "" });
    expect(unknown.stderr).toContain('nothing is stored for vehicle "veh-gone"');
    expect(await vehicles(["purge", "no-such-vehicle", "--dry-run"])).toMatchObject({ code: 1 });
    for (const args of [[], ["purge"], ["purge", "a", "b"], ["list", "x"], ["frobnicate"]]) {
      const result = await vehicles(args, "postgres://postgres@127.0.0.1:1/none");
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toContain("Usage:");
    }
  });
});
