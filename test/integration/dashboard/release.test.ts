import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type RunningApp } from "../../helpers/app";
import { eventRow, finalEventRow, testPool } from "../../helpers/db-client";
import { vehicleState } from "../../helpers/events";
import { postWebhook } from "../../helpers/smartcar";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";
import { waitFor } from "../../helpers/wait-for";
import { apiClient, insertApiToken } from "./helpers";

// An operator fixes a wrong management token and releases what it refused meanwhile: the app is
// started with the test token, Smartcar signs with another one (→ 401, quarantined), then the
// app restarts with that other token configured and the rejection is released.
let database: TestDatabase;
let db: pg.Pool;
let app: RunningApp;
let dataDir: string;
let supportToken: string;
let viewerToken: string;

const SMARTCAR_TOKEN = "the-token-smartcar-really-uses";
const VEHICLE = "veh-release-1";
const body = vehicleState(VEHICLE, [{ code: "tractionbattery-stateofcharge", value: 64, unit: "percent", oemUpdatedAt: Date.now() }]);
const eventId = (JSON.parse(body) as { eventId: string }).eventId;

interface RejectionItem {
  id: string;
  receivedAt: string;
  reason: string;
  bodyKept: boolean;
  headers: Record<string, string>;
  releasedAt: string | null;
}

const support = () => apiClient(app.url, supportToken);

async function signatureRejection(): Promise<RejectionItem> {
  const { status, body: list } = await support().get("/api/v1/rejections?reason=SIGNATURE_MISMATCH");
  expect(status).toBe(200);
  const items = (list as { items: RejectionItem[] }).items;
  expect(items).toHaveLength(1);
  return items[0] as RejectionItem;
}

beforeAll(async () => {
  database = await createTestDatabase("dash_release");
  db = testPool(database.url);
  dataDir = mkdtempSync(path.join(os.tmpdir(), "smartcar-release-"));
  app = await startApp({ databaseUrl: database.url, dataDir });
  supportToken = await insertApiToken(db, "support");
  viewerToken = await insertApiToken(db, "viewer");
  const refused = await postWebhook(app.url, body, { token: SMARTCAR_TOKEN, headers: { cookie: "session=secret" } });
  expect(refused.status).toBe(401);
  expect(await postWebhook(app.url, "not json")).toHaveProperty("status", 400);
});

afterAll(async () => {
  await app?.stop();
  await db?.end();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("GET /api/v1/rejections", () => {
  it("lists refused requests for support, newest first, without their bodies", async () => {
    const { status, body: list } = await support().get("/api/v1/rejections");
    expect(status).toBe(200);
    const items = (list as { items: (RejectionItem & Record<string, unknown>)[]; nextCursor: string | null }).items;
    expect(items.map((i) => i.reason)).toEqual(["INVALID_JSON", "SIGNATURE_MISMATCH"]);
    const mismatch = items[1];
    expect(mismatch).toMatchObject({ httpStatus: 401, bodyKept: true, bodyBytes: Buffer.byteLength(body), releasedAt: null, releasedEventId: null });
    expect(mismatch?.headers["sc-signature"]).toMatch(/^[0-9a-f]{64}$/);
    expect(mismatch?.headers).not.toHaveProperty("cookie");
    expect(Object.keys(mismatch ?? {})).not.toContain("body");
    expect(JSON.stringify(list)).not.toContain(eventId);
  });

  it("pages with a cursor and filters by reason and range", async () => {
    const first = await support().get("/api/v1/rejections?limit=1");
    const { items, nextCursor } = first.body as { items: RejectionItem[]; nextCursor: string };
    expect(items.map((i) => i.reason)).toEqual(["INVALID_JSON"]);
    const second = await support().get(`/api/v1/rejections?limit=1&cursor=${nextCursor}`);
    expect(second.body).toMatchObject({ items: [{ reason: "SIGNATURE_MISMATCH" }], nextCursor: null });
    expect((await support().get("/api/v1/rejections?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z")).body).toEqual({ items: [], nextCursor: null });
    expect(await support().get("/api/v1/rejections?reason=wrong")).toMatchObject({ status: 400, body: { error: { code: "INVALID_QUERY" } } });
  });

  it("shows the first 2 KB of one body in the detail", async () => {
    const rejection = await signatureRejection();
    const detail = await support().get(`/api/v1/rejections/${rejection.id}`);
    expect(detail).toMatchObject({ status: 200, body: { id: rejection.id, bodyHead: body } });
    expect(await support().get("/api/v1/rejections/999999")).toMatchObject({ status: 404 });
  });

  it("is closed to viewers and anonymous callers", async () => {
    expect(await apiClient(app.url, viewerToken).get("/api/v1/rejections")).toMatchObject({ status: 403, body: { error: { code: "FORBIDDEN" } } });
    expect((await apiClient(app.url, null).get("/api/v1/rejections")).status).toBe(401);
  });
});

describe("POST /api/v1/rejections/{id}/release", () => {
  it("answers 409 SIGNATURE_MISMATCH while the configured token is still the wrong one, and audits it", async () => {
    const rejection = await signatureRejection();
    const answer = await support().post(`/api/v1/rejections/${rejection.id}/release`);
    expect(answer).toMatchObject({ status: 409, body: { error: { code: "SIGNATURE_MISMATCH" } } });
    expect(await eventRow(db, eventId)).toBeUndefined();
    const audit = await db.query("SELECT action, details FROM audit_entry WHERE target_id = $1", [rejection.id]);
    expect(audit.rows).toEqual([{ action: "rejection.release", details: { result: "SIGNATURE_MISMATCH" } }]);
  });

  it("refuses viewers (403), unknown ids (404) and rejections that were not about the signature (409)", async () => {
    const rejection = await signatureRejection();
    expect(await apiClient(app.url, viewerToken).post(`/api/v1/rejections/${rejection.id}/release`)).toMatchObject({ status: 403 });
    expect(await support().post("/api/v1/rejections/999999/release")).toMatchObject({ status: 404 });
    expect(await support().post("/api/v1/rejections/abc/release")).toMatchObject({ status: 404 });
    const invalidJson = await db.query<{ id: string }>("SELECT id FROM rejected_delivery WHERE reason = 'INVALID_JSON'");
    expect(await support().post(`/api/v1/rejections/${invalidJson.rows[0]?.id}/release`)).toMatchObject({ status: 409, body: { error: { code: "CONFLICT" } } });
  });

  it("stores and processes the event with its original receivedAt once the token is fixed", async () => {
    const rejection = await signatureRejection();
    await app.stop();
    app = await startApp({ databaseUrl: database.url, dataDir, env: { SMARTCAR_MANAGEMENT_TOKEN: SMARTCAR_TOKEN } });

    const answer = await support().post(`/api/v1/rejections/${rejection.id}/release`);
    expect(answer).toEqual({ status: 201, body: { rejectionId: rejection.id, eventId, status: "accepted", receivedAt: rejection.receivedAt } });
    const row = await waitFor(() => finalEventRow(db, eventId), { what: "the released event to be processed" });
    expect(row).toMatchObject({ status: "PROCESSED", outcome: "APPLIED", vehicle_id: VEHICLE });
    expect((row?.received_at as Date).toISOString()).toBe(rejection.receivedAt);
    const deliveries = await db.query("SELECT token_slot, received_at FROM delivery WHERE event_id = $1", [eventId]);
    expect(deliveries.rows).toEqual([{ token_slot: "current", received_at: new Date(rejection.receivedAt) }]);
    const state = await db.query("SELECT body FROM vehicle_signal WHERE vehicle_id = $1", [VEHICLE]);
    expect(state.rows[0]?.body).toMatchObject({ value: 64 });

    const listed = await signatureRejection();
    expect(listed.releasedAt).toEqual(expect.any(String));
    expect(listed).toMatchObject({ releasedEventId: eventId });
    const audit = await db.query("SELECT details FROM audit_entry WHERE target_id = $1 ORDER BY id", [rejection.id]);
    expect(audit.rows.at(-1)).toEqual({ details: { result: "accepted", eventId } });
  });

  it("answers 409 for a second release and 410 once the body is no longer kept", async () => {
    const rejection = await signatureRejection();
    expect(await support().post(`/api/v1/rejections/${rejection.id}/release`)).toMatchObject({ status: 409, body: { error: { code: "CONFLICT" } } });

    const expired = await db.query<{ id: string }>(
      `INSERT INTO rejected_delivery (reason, http_status, body_bytes, body_sha256, body_head, body, body_expires_at, headers, tokens_tried)
       VALUES ('SIGNATURE_MISMATCH', 401, 2, 'x', '{}', '\\x7b7d', now() - interval '1 minute', '{}', '{}'),
              ('SIGNATURE_MISMATCH', 401, 2, 'x', '{}', NULL, NULL, '{}', '{}')
       RETURNING id`,
    );
    for (const { id } of expired.rows) {
      expect(await support().post(`/api/v1/rejections/${id}/release`)).toMatchObject({ status: 410, body: { error: { code: "PAYLOAD_PURGED" } } });
    }
  });
});
