import { createHmac, randomUUID } from "node:crypto";
import http from "node:http";
import { describe, expect, it } from "vitest";
import { TEST_PREVIOUS_TOKEN, TEST_TOKEN } from "../../helpers/app";
import { useAppWithDatabase } from "../../helpers/app-with-database";
import { eventRow, finalEventRow } from "../../helpers/db-client";
import { fixtureBytes, fixtureJson, postWebhook, sign } from "../../helpers/smartcar";
import { waitFor } from "../../helpers/wait-for";

// The receiver exactly as Smartcar meets it: real HTTP against `next start`, a real Postgres.
const suite = useAppWithDatabase();

function hmacHex(token: string, message: string): string {
  return createHmac("sha256", token).update(message).digest("hex");
}

async function count(sql: string, values: unknown[] = []): Promise<number> {
  const result = await suite.db.query<{ n: string }>(sql, values);
  return Number(result.rows[0]?.n);
}

describe("VERIFY", () => {
  it("answers a v4 challenge with HMAC(current token, challenge), unsigned", async () => {
    const body = fixtureBytes("verify.json");
    const res = await postWebhook(suite.app.url, body, { signature: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(await res.json()).toEqual({ challenge: hmacHex(TEST_TOKEN, "d302d7bd-3d5a-487d-a162-bbaaca71705e") });
  });

  it("answers a legacy v2 challenge", async () => {
    const res = await postWebhook(suite.app.url, fixtureBytes("verify.legacy-v2.json"), { signature: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: hmacHex(TEST_TOKEN, "f0a3943b-d37f-4db5-ad19-907a572e5b65") });
  });

  it("refuses a JSON-shaped challenge instead of signing it (no signing oracle)", async () => {
    const forged = JSON.stringify({ eventId: "forged", eventType: "VEHICLE_STATE", data: {} });
    const body = JSON.stringify({ eventId: randomUUID(), eventType: "VERIFY", data: { challenge: forged } });
    const res = await postWebhook(suite.app.url, body, { signature: null });
    expect(res.status).toBe(400);
    const json: unknown = await res.json();
    expect(json).toMatchObject({ error: { code: "INVALID_CHALLENGE" } });
    expect(JSON.stringify(json)).not.toContain(hmacHex(TEST_TOKEN, forged));
  });

  it("stores no event for a VERIFY", async () => {
    expect(await count("SELECT count(*) AS n FROM event WHERE event_type = 'VERIFY'")).toBe(0);
  });
});

describe("signatures", () => {
  it("accepts a body signed with the current token and stores event + delivery", async () => {
    const body = fixtureBytes("vehicle-state.docs-shape.json");
    const res = await postWebhook(suite.app.url, body);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "accepted", eventId: "5d0a2291-b441-4092-ac66-c12ca2840a28" });
    const row = await eventRow(suite.db, "5d0a2291-b441-4092-ac66-c12ca2840a28");
    expect(row).toMatchObject({ event_type: "VEHICLE_STATE", vehicle_id: "332bc6bb-4f5b-4273-aac1-6949e721b454", mode: "LIVE", body_bytes: body.byteLength });
    expect(row?.raw_body).toBe(body.toString("utf8"));
    const deliveries = await suite.db.query("SELECT * FROM delivery WHERE event_id = $1", ["5d0a2291-b441-4092-ac66-c12ca2840a28"]);
    expect(deliveries.rows).toHaveLength(1);
    expect(deliveries.rows[0]).toMatchObject({ delivery_id: "56b82b4f-afab-403c-a221-04c7c8032297", token_slot: "current", duplicate: false });
  });

  it("answers a repeat of the same eventId as a duplicate and records the extra delivery", async () => {
    const body = fixtureBytes("vehicle-state.docs-shape.json");
    const res = await postWebhook(suite.app.url, body);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "duplicate", eventId: "5d0a2291-b441-4092-ac66-c12ca2840a28" });
    expect(await count("SELECT count(*) AS n FROM delivery WHERE event_id = $1 AND duplicate", ["5d0a2291-b441-4092-ac66-c12ca2840a28"])).toBe(1);
  });

  it("accepts the previous token during a rotation and says which slot matched", async () => {
    const body = fixtureBytes("vehicle-error.compatibility.json");
    const res = await postWebhook(suite.app.url, body, { token: TEST_PREVIOUS_TOKEN });
    expect(res.status).toBe(200);
    const delivery = await suite.db.query("SELECT token_slot FROM delivery WHERE event_id = $1", ["4c39cad8-0fd7-42dc-ac1d-7918952d6045"]);
    expect(delivery.rows[0]?.token_slot).toBe("previous");
  });

  it("rejects a tampered body with 401 SIGNATURE_MISMATCH, quarantines it and stores no event", async () => {
    const original = fixtureBytes("vehicle-state.real-shape.json");
    const tampered = Buffer.from(original.toString("utf8").replace('"value": 81', '"value": 18'));
    const res = await postWebhook(suite.app.url, tampered, { signature: sign(original) });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: "SIGNATURE_MISMATCH" } });
    expect(await eventRow(suite.db, "035eb387-c0d1-4627-a3e0-426d2dd59716")).toBeUndefined();
    const rejection = await suite.db.query("SELECT * FROM rejected_delivery WHERE reason = 'SIGNATURE_MISMATCH' ORDER BY id DESC LIMIT 1");
    expect(rejection.rows[0]?.body_bytes).toBe(tampered.byteLength);
    expect(Buffer.compare(rejection.rows[0]?.body, tampered)).toBe(0);
    expect(rejection.rows[0]?.tokens_tried).toHaveLength(2);
  });

  it("rejects a body signed with an unknown token", async () => {
    const res = await postWebhook(suite.app.url, fixtureBytes("vehicle-state.real-shape.json"), { token: "some-other-token" });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: "SIGNATURE_MISMATCH" } });
  });

  it("rejects a missing SC-Signature with 401 SIGNATURE_MISSING and never stores Cookie/Authorization", async () => {
    const res = await postWebhook(suite.app.url, fixtureBytes("vehicle-state.real-shape.json"), {
      signature: null,
      headers: { cookie: "session=secret", authorization: "Bearer secret" },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: "SIGNATURE_MISSING" } });
    const rejection = await suite.db.query("SELECT headers FROM rejected_delivery WHERE reason = 'SIGNATURE_MISSING' ORDER BY id DESC LIMIT 1");
    const headers: Record<string, string> = rejection.rows[0]?.headers;
    expect(headers["user-agent"]).toBe("Smartcar/test");
    expect(Object.keys(headers)).not.toContain("cookie");
    expect(Object.keys(headers)).not.toContain("authorization");
    expect(await count("SELECT count(*) AS n FROM event WHERE event_id = '035eb387-c0d1-4627-a3e0-426d2dd59716'")).toBe(0);
  });
});

describe("body size and shape", () => {
  it("accepts a 49 000-byte signed event", async () => {
    const large = fixtureJson("vehicle-state.large.json");
    const base = JSON.stringify({ ...large, eventId: randomUUID(), padding: "" });
    const body = JSON.stringify({ ...JSON.parse(base), padding: "x".repeat(49_000 - Buffer.byteLength(base)) });
    expect(Buffer.byteLength(body)).toBe(49_000);
    const res = await postWebhook(suite.app.url, body);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "accepted" });
  });

  it("accepts a body of exactly the cap and refuses cap + 1 byte with 413", async () => {
    const cap = 65_536;
    const make = (size: number) => {
      const base = JSON.stringify({ eventId: randomUUID(), eventType: "VEHICLE_STATE", pad: "" });
      return JSON.stringify({ ...JSON.parse(base), pad: "y".repeat(size - Buffer.byteLength(base)) });
    };
    const atCap = make(cap);
    expect(Buffer.byteLength(atCap)).toBe(cap);
    expect((await postWebhook(suite.app.url, atCap)).status).toBe(200);

    const over = make(cap + 1);
    const res = await postWebhook(suite.app.url, over);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: "BODY_TOO_LARGE" } });
    const rejection = await suite.db.query("SELECT body_bytes, length(body_head) AS head, body FROM rejected_delivery WHERE reason = 'BODY_TOO_LARGE'");
    expect(rejection.rows[0]).toMatchObject({ body_bytes: cap + 1, head: 2048, body: null });
  });

  it("enforces the cap on a chunked body too (no Content-Length): within it 200, over it 413", async () => {
    const cap = 65_536;
    const body = (size: number) => {
      const base = JSON.stringify({ eventId: randomUUID(), eventType: "VEHICLE_STATE", pad: "" });
      return JSON.stringify({ ...JSON.parse(base), pad: "z".repeat(size - Buffer.byteLength(base)) });
    };
    const chunked = (text: string) =>
      new Promise<{ status: number; code?: string }>((resolve, reject) => {
        const url = new URL(`${suite.app.url}/api/webhooks/smartcar`);
        const request = http.request(
          { host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "content-type": "application/json", "sc-signature": sign(text) } },
          (res) => {
            let answer = "";
            res.on("data", (chunk: Buffer) => (answer += chunk.toString("utf8")));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, code: (JSON.parse(answer) as { error?: { code: string } }).error?.code }));
          },
        );
        request.on("error", reject);
        // Several writes without a Content-Length: Node sends them chunked.
        for (let at = 0; at < text.length; at += 8_192) request.write(text.slice(at, at + 8_192));
        request.end();
      });
    expect(await chunked(body(cap))).toEqual({ status: 200, code: undefined });
    expect(await chunked(body(cap + 10_000))).toEqual({ status: 413, code: "BODY_TOO_LARGE" });
  });

  it("refuses signed bytes that are not JSON with 400 INVALID_JSON", async () => {
    const res = await postWebhook(suite.app.url, '{"eventId": "x", ');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "INVALID_JSON" } });
  });

  it("refuses signed JSON that is not an object, or has no eventId, with 400 INVALID_SCHEMA", async () => {
    for (const body of ["[1,2,3]", '"text"', "null", JSON.stringify({ eventType: "VEHICLE_STATE", data: {} })]) {
      const res = await postWebhook(suite.app.url, body);
      expect(res.status, body).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "INVALID_SCHEMA" } });
    }
    expect(await count("SELECT count(*) AS n FROM rejected_delivery WHERE reason = 'INVALID_SCHEMA'")).toBe(4);
  });

  it("accepts an unknown event type and a missing vehicle id with 200 (sorted out later, never a 4xx)", async () => {
    const unknown = JSON.stringify({ eventId: randomUUID(), eventType: "SOMETHING_NEW", data: {} });
    expect((await postWebhook(suite.app.url, unknown)).status).toBe(200);
    const noVehicle = JSON.stringify({ eventId: randomUUID(), eventType: "VEHICLE_STATE", data: { signals: [] } });
    expect((await postWebhook(suite.app.url, noVehicle)).status).toBe(200);
  });

  it("stores a legacy v2 body as LEGACY_V2 with a content-derived id and never applies it", async () => {
    const body = fixtureBytes("legacy-v2.scheduled.json");
    const res = await postWebhook(suite.app.url, body);
    expect(res.status).toBe(200);
    const json = (await res.json()) as { eventId: string; status: string };
    expect(json.eventId).toMatch(/^v2:[0-9a-f]{64}$/);
    const row = await waitFor(() => finalEventRow(suite.db, json.eventId), { what: "legacy event processed" });
    expect(row).toMatchObject({ event_type: "LEGACY_V2", status: "PROCESSED", outcome: "IGNORED_EVENT_TYPE" });
    expect(await count("SELECT count(*) AS n FROM vehicle WHERE vehicle_id = '04c719f7-4672-4cfa-a682-6ad4e5610348'")).toBe(0);
  });
});

describe("concurrent retries of one event", () => {
  it("stores one event and ten deliveries for ten concurrent deliveries, and applies it once", async () => {
    const template = fixtureJson("vehicle-state.first-delivery.real-shape.json");
    const eventId = randomUUID();
    const bodies = Array.from({ length: 10 }, () =>
      JSON.stringify({ ...template, eventId, meta: { ...(template.meta as object), deliveryId: randomUUID() } }),
    );
    const responses = await Promise.all(bodies.map((b) => postWebhook(suite.app.url, b)));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    const statuses = await Promise.all(responses.map(async (r) => ((await r.json()) as { status: string }).status));
    expect(statuses.filter((s) => s === "accepted")).toHaveLength(1);
    expect(statuses.filter((s) => s === "duplicate")).toHaveLength(9);

    const row = await waitFor(() => finalEventRow(suite.db, eventId), { what: "event processed" });
    expect(row).toMatchObject({ status: "PROCESSED", delivery_count: 10, attempts: 1, outcome: "APPLIED", signals_applied: 14 });
    expect(await count("SELECT count(*) AS n FROM delivery WHERE event_id = $1", [eventId])).toBe(10);
    expect(await count("SELECT count(DISTINCT delivery_id) AS n FROM delivery WHERE event_id = $1", [eventId])).toBe(10);
    expect(await count("SELECT count(*) AS n FROM processing_attempt WHERE event_id = $1", [eventId])).toBe(1);
  });
});
