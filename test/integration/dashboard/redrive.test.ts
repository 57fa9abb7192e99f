import { randomUUID } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type RunningApp } from "../../helpers/app";
import { eventRow, finalEventRow, testPool } from "../../helpers/db-client";
import { vehicleState } from "../../helpers/events";
import { installFaultTriggers, planFault } from "../../helpers/faults";
import { postWebhook } from "../../helpers/smartcar";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";
import { waitFor } from "../../helpers/wait-for";
import { apiClient, insertApiToken } from "./helpers";

// Re-drives through `next start` and the embedded executor: processing made to fail for real
// (fault triggers in the database), then fixed, then re-driven one by one or in bulk.
let database: TestDatabase;
let db: pg.Pool;
let app: RunningApp;
let support: ReturnType<typeof apiClient>;
let viewer: ReturnType<typeof apiClient>;

const reading = (vehicleId: string) =>
  vehicleState(vehicleId, [{ code: "tractionbattery-stateofcharge", value: 42, unit: "percent", oemUpdatedAt: Date.now() }]);

async function deliver(body: string): Promise<string> {
  const res = await postWebhook(app.url, body);
  expect(res.status).toBe(200);
  return ((await res.json()) as { eventId: string }).eventId;
}

async function deadLettered(vehicleId: string): Promise<string> {
  const eventId = await deliver(reading(vehicleId));
  const row = await waitFor(() => finalEventRow(db, eventId), { what: `${eventId} to be dead-lettered` });
  expect(row).toMatchObject({ status: "DEAD_LETTERED", error_reason: "PROCESSING_FAILED" });
  return eventId;
}

const clearFault = (vehicleId: string) => db.query("DELETE FROM test_fault_plan WHERE vehicle_id = $1", [vehicleId]);

beforeAll(async () => {
  database = await createTestDatabase("dash_redrive");
  db = testPool(database.url);
  await installFaultTriggers(db);
  app = await startApp({ databaseUrl: database.url });
  support = apiClient(app.url, await insertApiToken(db, "support"));
  viewer = apiClient(app.url, await insertApiToken(db, "viewer"));
});

afterAll(async () => {
  await app?.stop();
  await db?.end();
  await database?.drop();
});

describe("POST /api/v1/events/{id}/redrive", () => {
  const vehicleId = `poison-${randomUUID().slice(0, 8)}`;
  let eventId: string;

  beforeAll(async () => {
    await planFault(db, vehicleId, 1_000);
    eventId = await deadLettered(vehicleId);
  });

  it("refuses anonymous callers (401) and viewers (403)", async () => {
    expect((await apiClient(app.url, null).post(`/api/v1/events/${eventId}/redrive`)).status).toBe(401);
    const asViewer = await viewer.post(`/api/v1/events/${eventId}/redrive`);
    expect(asViewer).toMatchObject({ status: 403, body: { error: { code: "FORBIDDEN" } } });
    expect(await eventRow(db, eventId)).toMatchObject({ status: "DEAD_LETTERED", redrives: 0 });
  });

  it("processes a dead-lettered event again once the fault is fixed, and audits it", async () => {
    await clearFault(vehicleId);
    const answer = await support.post(`/api/v1/events/${eventId}/redrive`);
    expect(answer).toEqual({ status: 202, body: { eventId, redrives: 1 } });
    const row = await waitFor(() => finalEventRow(db, eventId), { what: "the re-driven event to finish" });
    expect(row).toMatchObject({ status: "PROCESSED", outcome: "APPLIED", redrives: 1, attempts: 5, error_reason: null });
    const state = await db.query("SELECT body FROM vehicle_signal WHERE vehicle_id = $1", [vehicleId]);
    expect(state.rows[0]?.body).toMatchObject({ value: 42 });
    const runs = await db.query("SELECT event_key FROM executor_run WHERE event_key LIKE $1", [`%${eventId}:redrive:1`]);
    expect(runs.rowCount).toBe(1);
    const audit = await db.query("SELECT actor_type, actor_name, action, target_type, details FROM audit_entry WHERE target_id = $1", [eventId]);
    expect(audit.rows).toEqual([
      { actor_type: "token", actor_name: expect.stringMatching(/^support-/), action: "event.redrive", target_type: "event", details: { force: false, redrives: 1 } },
    ]);
  });

  it("refuses a PROCESSED event without force (409) and re-processes it with force", async () => {
    const refused = await support.post(`/api/v1/events/${eventId}/redrive`);
    expect(refused).toMatchObject({ status: 409, body: { error: { code: "NOT_REDRIVABLE", message: expect.stringContaining("force") } } });
    const forced = await support.post(`/api/v1/events/${eventId}/redrive`, { force: true });
    expect(forced).toEqual({ status: 202, body: { eventId, redrives: 2 } });
    await waitFor(async () => {
      const row = await finalEventRow(db, eventId);
      return row?.redrives === 2 ? row : undefined;
    }, { what: "the forced re-drive to finish" });
    expect(await eventRow(db, eventId)).toMatchObject({ status: "PROCESSED", redrives: 2 });
  });

  it("refuses an event still on its way (409), a purged one (410) and an unknown one (404)", async () => {
    await db.query(
      `INSERT INTO event (event_id, event_type, raw_body, body_bytes, status, dispatched_at) VALUES
       ('in-flight', 'VEHICLE_STATE', '{}', 2, 'PROCESSING', now()),
       ('purged', 'VEHICLE_STATE', NULL, 2, 'DEAD_LETTERED', now())`,
    );
    expect(await support.post("/api/v1/events/in-flight/redrive")).toMatchObject({ status: 409, body: { error: { code: "NOT_REDRIVABLE" } } });
    expect(await support.post("/api/v1/events/purged/redrive")).toMatchObject({ status: 410, body: { error: { code: "PAYLOAD_PURGED" } } });
    expect(await support.post("/api/v1/events/no-such-event/redrive")).toMatchObject({ status: 404, body: { error: { code: "NOT_FOUND" } } });
    expect(await eventRow(db, "purged")).toMatchObject({ status: "DEAD_LETTERED", redrives: 0 });
  });

  it("answers 400 INVALID_BODY for a body it does not understand", async () => {
    expect(await support.post(`/api/v1/events/${eventId}/redrive`, { force: "yes" })).toMatchObject({ status: 400, body: { error: { code: "INVALID_BODY" } } });
    expect(await support.post(`/api/v1/events/${eventId}/redrive`, { forse: true })).toMatchObject({ status: 400, body: { error: { code: "INVALID_BODY" } } });
  });
});

describe("POST /api/v1/redrive and GET /api/v1/redrive/{jobId}", () => {
  const vehicleId = `bulk-${randomUUID().slice(0, 8)}`;
  const poisoned: string[] = [];
  let noVehicle: string;

  interface JobStatus {
    jobId: string;
    state: string;
    total: number;
    dispatched: number;
    processed: number;
    deadLettered: number;
  }

  beforeAll(async () => {
    await db.query("DELETE FROM event WHERE event_id IN ('in-flight', 'purged')");
    await planFault(db, vehicleId, 1_000);
    for (let i = 0; i < 3; i++) poisoned.push(await deadLettered(vehicleId));
    // Dead-lettered for its content: a re-drive cannot help it, so it ends DEAD_LETTERED again.
    noVehicle = await deliver(JSON.stringify({ eventId: randomUUID(), eventType: "VEHICLE_STATE", data: { signals: [] } }));
    expect(await waitFor(() => finalEventRow(db, noVehicle))).toMatchObject({ status: "DEAD_LETTERED", error_reason: "NO_VEHICLE_ID" });
  });

  it("counts without changing anything on a dry run, for any filter", async () => {
    expect(await support.post("/api/v1/redrive", { dryRun: true, vehicleId })).toEqual({ status: 200, body: { jobId: null, count: 3 } });
    expect(await support.post("/api/v1/redrive", { dryRun: true })).toEqual({ status: 200, body: { jobId: null, count: 4 } });
    expect(await support.post("/api/v1/redrive", { dryRun: true, type: "VEHICLE_ERROR" })).toEqual({ status: 200, body: { jobId: null, count: 0 } });
    const still = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM event WHERE status = 'DEAD_LETTERED'");
    expect(still.rows[0]?.n).toBe(4);
  });

  it("refuses other statuses, unknown fields and viewers", async () => {
    expect(await support.post("/api/v1/redrive", { status: "PROCESSED" })).toMatchObject({ status: 400, body: { error: { code: "INVALID_BODY", message: expect.stringContaining("DEAD_LETTERED") } } });
    expect(await support.post("/api/v1/redrive", { vehicle: vehicleId })).toMatchObject({ status: 400, body: { error: { code: "INVALID_BODY" } } });
    expect(await viewer.post("/api/v1/redrive", { dryRun: true })).toMatchObject({ status: 403 });
    expect((await apiClient(app.url, null).post("/api/v1/redrive", { dryRun: true })).status).toBe(401);
  });

  it("re-drives the matching set in the queue and reports progress until DONE", async () => {
    await clearFault(vehicleId);
    const created = await support.post("/api/v1/redrive", {});
    expect(created.status).toBe(202);
    const { jobId, count } = created.body as { jobId: string; count: number };
    expect(count).toBe(4);
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);

    // An event dead-lettered after creation is not part of the job: the set is fixed.
    const late = `late-${randomUUID().slice(0, 8)}`;
    await planFault(db, late, 1_000);
    const lateEvent = await deadLettered(late);

    const done = await waitFor(
      async () => {
        const { status, body } = await support.get(`/api/v1/redrive/${jobId}`);
        expect(status).toBe(200);
        const job = body as JobStatus;
        return job.state === "DONE" && job.processed + job.deadLettered === job.total ? job : undefined;
      },
      { what: "the bulk re-drive to finish" },
    );
    expect(done).toEqual({ jobId, state: "DONE", total: 4, dispatched: 4, processed: 3, deadLettered: 1 });
    for (const id of poisoned) expect(await eventRow(db, id)).toMatchObject({ status: "PROCESSED", redrives: 1 });
    expect(await eventRow(db, noVehicle)).toMatchObject({ status: "DEAD_LETTERED", redrives: 1 });
    expect(await eventRow(db, lateEvent)).toMatchObject({ status: "DEAD_LETTERED", redrives: 0 });

    const audit = await db.query("SELECT action, details FROM audit_entry WHERE target_id = $1", [jobId]);
    expect(audit.rows).toEqual([{ action: "event.redrive_bulk", details: { count: 4, filter: { status: "DEAD_LETTERED" } } }]);
  });

  it("answers 404 for an unknown or malformed job id, 403 for viewers", async () => {
    expect(await support.get(`/api/v1/redrive/${randomUUID()}`)).toMatchObject({ status: 404, body: { error: { code: "NOT_FOUND" } } });
    expect(await support.get("/api/v1/redrive/not-a-uuid")).toMatchObject({ status: 404 });
    expect(await viewer.get(`/api/v1/redrive/${randomUUID()}`)).toMatchObject({ status: 403 });
  });
});
