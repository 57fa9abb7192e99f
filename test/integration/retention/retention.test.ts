import type pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { testPool } from "../../helpers/db-client";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";
import { daysAgo, insertEvents, insertLatest, insertReadings, locationBody, plainBody, PRECISE } from "./seed";

// The retention pass called directly against a real database: what each task changes, what it
// leaves alone, that a second pass changes nothing, and that a backlog bigger than one batch is
// worked through batch by batch. (Through the cron function and the executor: function.test.ts.)
let database: TestDatabase;
let db: pg.Pool;
let retention: typeof import("@/lib/retention/apply-retention");
let defaults: import("@/lib/retention/policy").RetentionSettings;
let viewerBody: (body: unknown) => unknown;
let normalise: typeof import("@/lib/smartcar/normalise").normaliseEvent;

const LOCATION = "location-preciselocation";

beforeAll(async () => {
  database = await createTestDatabase("retention");
  db = testPool(database.url);
  process.env.DATABASE_URL = database.url;
  retention = await import("@/lib/retention/apply-retention");
  const { parseEnv } = await import("@/lib/config");
  const { retentionSettings } = await import("@/lib/retention/policy");
  defaults = retentionSettings(parseEnv({}));
  const { redactSignalBody } = await import("@/lib/vehicles/redact-location");
  viewerBody = (body) => redactSignalBody(LOCATION, body, "viewer");
  ({ normaliseEvent: normalise } = await import("@/lib/smartcar/normalise"));
});

afterAll(async () => {
  const { closePool } = await import("@/lib/db/pool");
  await closePool();
  await db?.end();
  await database?.drop();
});

beforeEach(async () => {
  await db.query("TRUNCATE event, delivery, processing_attempt, vehicle, vehicle_signal, vehicle_condition, signal_reading, executor_run, rejected_delivery, maintenance_state");
});

interface EventRow {
  raw_body: string | null;
  payload_purged_at: Date | null;
  location_coarsened_at: Date | null;
  status: string;
}

async function event(eventId: string): Promise<EventRow | undefined> {
  const result = await db.query<EventRow>("SELECT raw_body, payload_purged_at, location_coarsened_at, status FROM event WHERE event_id = $1", [eventId]);
  return result.rows[0];
}

async function readings(vehicleId: string, code = LOCATION): Promise<{ at: Date; body: unknown }[]> {
  const result = await db.query("SELECT at, body FROM signal_reading WHERE vehicle_id = $1 AND code = $2 ORDER BY at", [vehicleId, code]);
  return result.rows;
}

async function latest(vehicleId: string): Promise<unknown> {
  const result = await db.query("SELECT body FROM vehicle_signal WHERE vehicle_id = $1 AND code = $2", [vehicleId, LOCATION]);
  return result.rows[0]?.body;
}

const locationOf = (rawBody: string | null | undefined) =>
  normalise(JSON.parse(rawBody ?? "null")).signals.filter((s) => s.code === LOCATION).map((s) => s.body);

/** smartcar_retention_rows_total for one task, as /api/metrics would show it. */
async function retentionCounter(task: string): Promise<number> {
  const { metrics } = await import("@/lib/observability/metrics");
  const counter = await metrics().retentionRows.get();
  return counter.values.find((v) => v.labels.task === task)?.value ?? 0;
}

/** Everything retention may touch, to compare two moments. */
async function snapshot(): Promise<unknown> {
  const [events, history, state] = await Promise.all([
    db.query("SELECT event_id, raw_body, payload_purged_at, location_coarsened_at FROM event ORDER BY event_id"),
    db.query("SELECT vehicle_id, code, at, value, body FROM signal_reading ORDER BY vehicle_id, code, at"),
    db.query("SELECT vehicle_id, code, body FROM vehicle_signal ORDER BY vehicle_id, code"),
  ]);
  return { events: events.rows, history: history.rows, state: state.rows };
}

describe("payload retention", () => {
  it("drops the raw body of PROCESSED events past 30 days and keeps the row as the tombstone", async () => {
    await insertEvents(db, [
      { eventId: "processed-31d", status: "PROCESSED", receivedAt: daysAgo(31) },
      { eventId: "processed-200d", status: "PROCESSED", receivedAt: daysAgo(200) },
      { eventId: "dead-40d", status: "DEAD_LETTERED", receivedAt: daysAgo(40) },
      { eventId: "pending-40d", status: "PENDING", receivedAt: daysAgo(40) },
      { eventId: "processing-40d", status: "PROCESSING", receivedAt: daysAgo(40) },
      { eventId: "processed-29d", status: "PROCESSED", receivedAt: daysAgo(29) },
    ]);
    const purgedSoFar = await retentionCounter("purge-payloads");
    const report = await retention.applyRetention(defaults);
    expect(report.changed["purge-payloads"]).toBe(2);
    expect(await retentionCounter("purge-payloads")).toBe(purgedSoFar + 2);
    for (const id of ["processed-31d", "processed-200d"]) {
      expect(await event(id)).toMatchObject({ raw_body: null, payload_purged_at: expect.any(Date), status: "PROCESSED" });
    }
    for (const id of ["dead-40d", "pending-40d", "processing-40d", "processed-29d"]) {
      expect(await event(id)).toMatchObject({ raw_body: plainBody(id, "veh-seed"), payload_purged_at: null });
    }
    const deliveries = await db.query("SELECT count(*)::int AS n FROM delivery WHERE event_id IN ('processed-31d', 'processed-200d')");
    expect(deliveries.rows[0]?.n).toBe(2);
  });
});

describe("location retention", () => {
  beforeEach(async () => {
    await insertEvents(db, [
      { eventId: "docs-10d", status: "PROCESSED", receivedAt: daysAgo(10), rawBody: locationBody("docs-10d", "veh-a", "docs"), vehicleId: "veh-a" },
      { eventId: "real-dead-10d", status: "DEAD_LETTERED", receivedAt: daysAgo(10), rawBody: locationBody("real-dead-10d", "veh-a", "real"), vehicleId: "veh-a" },
      { eventId: "docs-3d", status: "PROCESSED", receivedAt: daysAgo(3), rawBody: locationBody("docs-3d", "veh-a", "docs"), vehicleId: "veh-a" },
      { eventId: "pending-10d", status: "PENDING", receivedAt: daysAgo(10), rawBody: locationBody("pending-10d", "veh-a", "docs"), vehicleId: "veh-a" },
      { eventId: "plain-10d", status: "PROCESSED", receivedAt: daysAgo(10), vehicleId: "veh-a" },
    ]);
    await insertReadings(db, "veh-a", LOCATION, [10, 8, 6, 1].map((d) => ({ at: daysAgo(d), body: PRECISE })));
    await insertReadings(db, "veh-a", "tractionbattery-stateofcharge", [{ at: daysAgo(10), body: null, value: 81.25 }]);
    // Coordinates under another code: viewers see those as they are, so retention leaves them too.
    await insertReadings(db, "veh-a", "custom-waypoint", [{ at: daysAgo(10), body: PRECISE }]);
    await insertLatest(db, "veh-a", LOCATION, PRECISE, daysAgo(9));
    // Its reading is 9 days old although a failure moved the ordering key to yesterday.
    await insertLatest(db, "veh-b", LOCATION, PRECISE, daysAgo(9), daysAgo(1));
    await insertLatest(db, "veh-c", LOCATION, PRECISE, daysAgo(2));
  });

  it("rounds precise locations older than 7 days to what viewers see, in history, latest values and raw bodies", async () => {
    const coarse = viewerBody(PRECISE);
    expect(coarse).toEqual({ ...PRECISE, latitude: 48.14, longitude: 11.58 });
    const report = await retention.applyRetention(defaults);
    expect(report.changed).toMatchObject({ "coarsen-location-history": 2, "coarsen-latest-locations": 2, "coarsen-event-locations": 2 });

    expect((await readings("veh-a")).map((r) => r.body)).toEqual([coarse, coarse, PRECISE, PRECISE]);
    expect((await readings("veh-a", "custom-waypoint")).map((r) => r.body)).toEqual([PRECISE]);
    expect(await latest("veh-a")).toEqual(coarse);
    expect(await latest("veh-b")).toEqual(coarse);
    expect(await latest("veh-c")).toEqual(PRECISE);

    for (const id of ["docs-10d", "real-dead-10d"]) {
      const row = await event(id);
      expect(locationOf(row?.raw_body)).toEqual([coarse]);
      expect(row?.location_coarsened_at).toBeInstanceOf(Date);
      // The rest of the body is what was received.
      const other = (raw: string | null | undefined) => normalise(JSON.parse(raw ?? "null")).signals.filter((s) => s.code !== LOCATION);
      expect(other(row?.raw_body)).toEqual(other(locationBody(id, "veh-a", id.startsWith("docs") ? "docs" : "real")));
    }
    for (const id of ["docs-3d", "pending-10d"]) {
      expect(await event(id)).toMatchObject({ raw_body: locationBody(id, "veh-a", "docs"), location_coarsened_at: null });
    }
    // No coordinates: marked as done, body byte for byte as received.
    expect(await event("plain-10d")).toMatchObject({ raw_body: plainBody("plain-10d", "veh-a"), location_coarsened_at: expect.any(Date) });
  });

  it("rounds odd bodies exactly as the viewer rounding does, and leaves coarse ones unwritten", async () => {
    const odd = [
      { latitude: "48.13743", longitude: 11.57549 },
      { latitude: null, longitude: -0.004 },
      { latitude: 48.1, longitude: 11 },
      { latitude: 48.125, longitude: -11.575, heading: 90 },
      { heading: 90 },
      ["latitude", 48.13743],
      "latitude",
    ];
    await insertReadings(db, "veh-odd", LOCATION, odd.map((body, i) => ({ at: daysAgo(20 + i), body })));
    const versions = () => db.query<{ xmin: string }>("SELECT xmin::text FROM signal_reading WHERE vehicle_id = 'veh-odd' ORDER BY at DESC");
    const before = (await versions()).rows.map((r) => r.xmin);
    await retention.applyRetention(defaults);
    const stored = (await readings("veh-odd")).map((r) => r.body).reverse();
    expect(stored).toEqual(odd.map(viewerBody));
    expect(stored[0]).toEqual({ latitude: null, longitude: 11.58 });
    // Only the rows whose rounding changes something were written (a new row version).
    const rewritten = (await versions()).rows.map((r, i) => r.xmin !== before[i]);
    expect(rewritten).toEqual(odd.map((body) => JSON.stringify(viewerBody(body)) !== JSON.stringify(body)));
    expect(rewritten.filter(Boolean)).toHaveLength(3);
  });

  it("changes nothing more when run again", async () => {
    await retention.applyRetention(defaults);
    const before = await snapshot();
    const again = await retention.applyRetention(defaults);
    expect(Object.values(again.changed).every((n) => n === 0)).toBe(true);
    expect(again.caughtUp).toBe(true);
    expect(await snapshot()).toEqual(before);
  });

  it("leaves everything alone when switched off", async () => {
    const before = await snapshot();
    const off = { ...defaults, payloadDays: 0, locationDays: 0, tombstoneDays: 0, rejectionDays: 0, alertDays: 0, executorRunHours: 0 };
    const report = await retention.applyRetention(off);
    expect(Object.values(report.changed).every((n) => n === 0)).toBe(true);
    expect(await snapshot()).toEqual(before);
  });
});

describe("batches", () => {
  // A zero budget stops every task after one batch: each call below is one batch of 4 rows.
  const oneBatch = () => ({ ...defaults, batchSize: 4, timeBudgetMs: 0 });

  async function callsUntilCaughtUp(task: import("@/lib/retention/apply-retention").RetentionTask): Promise<{ calls: number; changed: number }> {
    const now = new Date();
    let calls = 0;
    let changed = 0;
    for (;;) {
      const result = await retention.runRetentionTask(task, oneBatch(), now);
      calls += 1;
      changed += result.changed;
      if (result.caughtUp) return { calls, changed };
      if (calls > 50) throw new Error(`${task} never caught up`);
    }
  }

  it("works through more rows than one batch, one batch per call, for every walk", async () => {
    await insertEvents(
      db,
      Array.from({ length: 23 }, (_, i) => {
        const eventId = `old-${String(i).padStart(2, "0")}`;
        // Several share a timestamp: the (received_at, event_id) position must not skip or repeat them.
        return { eventId, status: "PROCESSED" as const, receivedAt: new Date(Date.parse("2026-01-01T00:00:00Z") - Math.floor(i / 3) * 1000), rawBody: locationBody(eventId, "veh-x", i % 2 === 0 ? "docs" : "real") };
      }),
    );
    for (const vehicle of ["veh-1", "veh-2", "veh-3"]) {
      await insertReadings(db, vehicle, LOCATION, Array.from({ length: 9 }, (_, i) => ({ at: daysAgo(8 + i), body: PRECISE })));
    }
    for (let v = 0; v < 10; v++) await insertLatest(db, `veh-latest-${v}`, LOCATION, PRECISE, daysAgo(30));

    // 23 events: batches of 4,4,4,4,4,3 — the short one ends the pass.
    expect(await callsUntilCaughtUp("coarsen-event-locations")).toEqual({ calls: 6, changed: 23 });
    expect(await callsUntilCaughtUp("purge-payloads")).toEqual({ calls: 6, changed: 23 });
    // 27 readings over three vehicles, batches crossing from one vehicle to the next.
    expect(await callsUntilCaughtUp("coarsen-location-history")).toEqual({ calls: 7, changed: 27 });
    // 13 vehicles, 10 of them with a latest location: 4,4,4,1.
    expect(await callsUntilCaughtUp("coarsen-latest-locations")).toEqual({ calls: 4, changed: 10 });

    const left = await db.query(
      `SELECT (SELECT count(*) FROM event WHERE raw_body IS NOT NULL OR location_coarsened_at IS NULL)::int AS events,
              (SELECT count(*) FROM signal_reading WHERE body->>'latitude' <> '48.14')::int AS readings,
              (SELECT count(*) FROM vehicle_signal WHERE body->>'latitude' <> '48.14')::int AS latest`,
    );
    expect(left.rows[0]).toEqual({ events: 0, readings: 0, latest: 0 });
  });

  it("keeps a failed batch's work and position together: neither moves, and the next run does it", async () => {
    await insertReadings(db, "veh-fail", LOCATION, Array.from({ length: 6 }, (_, i) => ({ at: daysAgo(10 + i), body: PRECISE })));
    const position = async () => (await db.query("SELECT value FROM maintenance_state WHERE key = 'retention.reading-locations'")).rows[0]?.value;
    await retention.runRetentionTask("coarsen-location-history", oneBatch(), new Date());
    const saved = await position();
    expect(saved).toMatchObject({ done: false });
    await db.query(`
      CREATE FUNCTION test_refuse_reading_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$;
      CREATE TRIGGER test_refuse_reading_update BEFORE UPDATE ON signal_reading FOR EACH ROW EXECUTE FUNCTION test_refuse_reading_update();`);
    try {
      await expect(retention.runRetentionTask("coarsen-location-history", oneBatch(), new Date())).rejects.toThrow(/disk full/);
      expect(await position()).toEqual(saved);
    } finally {
      await db.query("DROP TRIGGER test_refuse_reading_update ON signal_reading; DROP FUNCTION test_refuse_reading_update()");
    }
    expect(await callsUntilCaughtUp("coarsen-location-history")).toMatchObject({ changed: 2 });
    expect((await readings("veh-fail")).map((r) => r.body)).toEqual(Array.from({ length: 6 }, () => viewerBody(PRECISE)));
  });

  it("deletes in batches until nothing is left", async () => {
    await insertEvents(db, Array.from({ length: 10 }, (_, i) => ({ eventId: `ancient-${i}`, status: "PROCESSED" as const, receivedAt: daysAgo(400 + i) })));
    // 4, 4, 2.
    expect(await callsUntilCaughtUp("delete-tombstones")).toEqual({ calls: 3, changed: 10 });
  });

  it("resumes a pass across runs from the saved position, after a day starts over from the beginning", async () => {
    await insertEvents(db, Array.from({ length: 6 }, (_, i) => ({ eventId: `e-${i}`, status: "PROCESSED" as const, receivedAt: daysAgo(40 + i) })));
    const now = new Date();
    await retention.runRetentionTask("purge-payloads", oneBatch(), now);
    const saved = await db.query("SELECT value FROM maintenance_state WHERE key = 'retention.payloads'");
    expect(saved.rows[0]?.value).toMatchObject({ from: null, done: false, position: { id: "e-2" } });
    await retention.runRetentionTask("purge-payloads", oneBatch(), now);
    expect((await db.query("SELECT value FROM maintenance_state WHERE key = 'retention.payloads'")).rows[0]?.value).toMatchObject({ done: true });

    // An event that became PROCESSED behind the walk (say, a re-driven dead letter) waits for the
    // daily full pass.
    await insertEvents(db, [{ eventId: "late", status: "PROCESSED", receivedAt: daysAgo(100) }]);
    await retention.runRetentionTask("purge-payloads", oneBatch(), new Date(now.getTime() + 60_000));
    expect(await event("late")).toMatchObject({ payload_purged_at: null });
    const nextDay = new Date(now.getTime() + 86_400_000);
    await retention.runRetentionTask("purge-payloads", { ...oneBatch(), batchSize: 100 }, nextDay);
    expect(await event("late")).toMatchObject({ raw_body: null, payload_purged_at: expect.any(Date) });
  });
});

describe("tombstones and housekeeping", () => {
  it("deletes final events past a year with their deliveries and attempts, nothing younger or in flight", async () => {
    await insertEvents(db, [
      { eventId: "tomb-366d", status: "PROCESSED", receivedAt: daysAgo(366) },
      { eventId: "dead-400d", status: "DEAD_LETTERED", receivedAt: daysAgo(400) },
      { eventId: "pending-400d", status: "PENDING", receivedAt: daysAgo(400) },
      { eventId: "tomb-364d", status: "PROCESSED", receivedAt: daysAgo(364) },
    ]);
    await db.query("INSERT INTO processing_attempt (event_id, attempt, result) SELECT event_id, 1, 'ok' FROM event");
    const report = await retention.applyRetention(defaults);
    expect(report.changed["delete-tombstones"]).toBe(2);
    const left = await db.query(
      `SELECT e.event_id, (SELECT count(*) FROM delivery d WHERE d.event_id = e.event_id)::int AS deliveries,
              (SELECT count(*) FROM processing_attempt a WHERE a.event_id = e.event_id)::int AS attempts
       FROM event e ORDER BY e.event_id`,
    );
    expect(left.rows).toEqual([
      { event_id: "pending-400d", deliveries: 1, attempts: 1 },
      { event_id: "tomb-364d", deliveries: 1, attempts: 1 },
    ]);
    const orphans = await db.query("SELECT (SELECT count(*) FROM delivery)::int + (SELECT count(*) FROM processing_attempt)::int AS n");
    expect(orphans.rows[0]?.n).toBe(4);
  });

  it("deletes finished executor runs past a day, never queued or running ones", async () => {
    await db.query(
      `INSERT INTO executor_run (run_id, event_key, fn_id, event, status, max_attempts, created_at, finished_at) VALUES
       (gen_random_uuid(), 'done-25h', 'f', '{}', 'DONE', 1, now() - interval '26 hours', now() - interval '25 hours'),
       (gen_random_uuid(), 'failed-30h', 'f', '{}', 'FAILED', 1, now() - interval '31 hours', now() - interval '30 hours'),
       (gen_random_uuid(), 'done-1h', 'f', '{}', 'DONE', 1, now() - interval '2 hours', now() - interval '1 hour'),
       (gen_random_uuid(), 'queued-old', 'f', '{}', 'QUEUED', 1, now() - interval '3 days', NULL),
       (gen_random_uuid(), 'running-old', 'f', '{}', 'RUNNING', 1, now() - interval '3 days', NULL)`,
    );
    const report = await retention.applyRetention(defaults);
    expect(report.changed["prune-executor-runs"]).toBe(2);
    const left = await db.query("SELECT event_key FROM executor_run ORDER BY event_key");
    expect(left.rows.map((r) => r.event_key)).toEqual(["done-1h", "queued-old", "running-old"]);
  });

  it("drops expired quarantined bodies (keeping hash and head) and deletes rejections past 30 days", async () => {
    await db.query(
      `INSERT INTO rejected_delivery (reason, http_status, body_bytes, body_sha256, body_head, body, body_expires_at, headers, tokens_tried, received_at) VALUES
       ('SIGNATURE_MISMATCH', 401, 3, 'h-expired', 'abc', 'abc'::bytea, now() - interval '1 minute', '{}', '{}', now() - interval '4 days'),
       ('SIGNATURE_MISMATCH', 401, 3, 'h-kept', 'abc', 'abc'::bytea, now() + interval '1 hour', '{}', '{}', now() - interval '1 hour'),
       ('INVALID_JSON', 400, 3, 'h-31d', 'abc', NULL, NULL, '{}', '{}', now() - interval '31 days'),
       ('INVALID_JSON', 400, 3, 'h-29d', 'abc', NULL, NULL, '{}', '{}', now() - interval '29 days')`,
    );
    const report = await retention.applyRetention(defaults);
    expect(report.changed).toMatchObject({ "expire-quarantined-bodies": 1, "delete-rejections": 1 });
    const left = await db.query("SELECT body_sha256, body_head, body IS NOT NULL AS has_body FROM rejected_delivery ORDER BY body_sha256");
    expect(left.rows).toEqual([
      { body_sha256: "h-29d", body_head: "abc", has_body: false },
      { body_sha256: "h-expired", body_head: "abc", has_body: false },
      { body_sha256: "h-kept", body_head: "abc", has_body: true },
    ]);
  });

  it("deletes alerts resolved more than 90 days ago, never open or acknowledged ones", async () => {
    await db.query(
      `INSERT INTO alert (rule, subject, dedupe_key, open_key, state, severity, title, opened_at, resolved_at) VALUES
       ('vehicle_silent', 'v1', 'k-resolved-91d', NULL, 'RESOLVED', 'warning', 'resolved-91d', now() - interval '95 days', now() - interval '91 days'),
       ('vehicle_silent', 'v2', 'k-resolved-89d', NULL, 'RESOLVED', 'warning', 'resolved-89d', now() - interval '95 days', now() - interval '89 days'),
       ('vehicle_silent', 'v3', 'k-open-200d', 'k-open-200d', 'OPEN', 'warning', 'open-200d', now() - interval '200 days', NULL),
       ('vehicle_silent', 'v4', 'k-ack-200d', 'k-ack-200d', 'ACKNOWLEDGED', 'warning', 'ack-200d', now() - interval '200 days', NULL)`,
    );
    const report = await retention.applyRetention(defaults);
    expect(report.changed["delete-resolved-alerts"]).toBe(1);
    const left = await db.query("SELECT title FROM alert ORDER BY title");
    expect(left.rows.map((r) => r.title)).toEqual(["ack-200d", "open-200d", "resolved-89d"]);
  });
});
