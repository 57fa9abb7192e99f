import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TEST_TOKEN } from "../../helpers/app";
import { useAppWithDatabase } from "../../helpers/app-with-database";
import { fixtureBytes, sign } from "../../helpers/smartcar";

// Property tests of the receiver over real HTTP: whatever arrives, the answer is never a 5xx
// while the database is healthy, the app never crashes, and nothing unverified becomes a row.
const suite = useAppWithDatabase();

const FIXTURES = ["vehicle-state.docs-shape.json", "vehicle-state.real-shape.json", "vehicle-error.permission-variant.json", "variants.vehicle-state.json", "legacy-v2.scheduled.json"];
const ALLOWED_UNVERIFIED = new Set([200, 400, 401, 413]);

async function post(body: Uint8Array | string, headers: Record<string, string>): Promise<number> {
  const res = await fetch(`${suite.app.url}/api/webhooks/smartcar`, { method: "POST", body: typeof body === "string" ? body : new Uint8Array(body), headers });
  await res.arrayBuffer();
  return res.status;
}

async function rowCount(table: string): Promise<number> {
  const result = await suite.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(result.rows[0]?.n);
}

const headerValue = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEF"), minLength: 64, maxLength: 64 }), fc.constant(""));
const hostileHeaders = fc.record(
  {
    "sc-signature": headerValue,
    "content-type": fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", ""),
    "content-length": fc.nat({ max: 200_000 }).map(String),
  },
  { requiredKeys: [] },
);

describe("receiver fuzzing", () => {
  it("answers random bytes and random JSON with unverified signatures without a 5xx and stores nothing", async () => {
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 4_096 }),
      fc.json({ maxDepth: 4 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.record({ eventId: fc.string(), eventType: fc.constantFrom("VEHICLE_STATE", "VEHICLE_ERROR", "VERIFY", "X"), data: fc.jsonValue({ maxDepth: 2 }) }).map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(body, hostileHeaders, async (payload, headers) => {
        // content-length must describe the body or fetch refuses to send it.
        const { "content-length": _ignored, ...rest } = headers;
        const status = await post(payload, rest);
        expect(ALLOWED_UNVERIFIED.has(status), `status ${status}`).toBe(true);
      }),
      { numRuns: 300 },
    );
    expect(await rowCount("event")).toBe(0);
    expect(await rowCount("delivery")).toBe(0);
    expect(await rowCount("vehicle")).toBe(0);
  });

  it("answers mutated real payloads signed with the right token with 200 or 400, never a 5xx", async () => {
    const mutation = fc.record({
      fixture: fc.constantFrom(...FIXTURES),
      at: fc.nat(),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
      mode: fc.constantFrom("replace", "insert", "truncate"),
    });
    await fc.assert(
      fc.asyncProperty(mutation, async ({ fixture, at, bytes, mode }) => {
        const original = fixtureBytes(fixture);
        const i = at % original.length;
        const mutated =
          mode === "truncate"
            ? original.subarray(0, i)
            : mode === "insert"
              ? Buffer.concat([original.subarray(0, i), bytes, original.subarray(i)])
              : Buffer.concat([original.subarray(0, i), bytes, original.subarray(Math.min(original.length, i + bytes.length))]);
        const status = await post(mutated, { "content-type": "application/json", "sc-signature": sign(mutated, TEST_TOKEN) });
        expect([200, 400], `status ${status}`).toContain(status);
      }),
      { numRuns: 300 },
    );
  });

  it("treats duplicated and oddly-cased signature headers as one header", async () => {
    const body = fixtureBytes("vehicle-error.compatibility.json");
    const good = sign(body, TEST_TOKEN);
    const headers = new Headers({ "content-type": "application/json" });
    headers.append("SC-Signature", good);
    headers.append("sc-signature", good);
    const res = await fetch(`${suite.app.url}/api/webhooks/smartcar`, { method: "POST", body: new Uint8Array(body), headers });
    // Two values are joined with ", " by HTTP semantics: not a valid hex signature, so refused.
    expect(res.status).toBe(401);
    const stored = await suite.db.query("SELECT 1 FROM event WHERE event_id = '4c39cad8-0fd7-42dc-ac1d-7918952d6045'");
    expect(stored.rowCount).toBe(0);
  });

  it("is still alive and healthy after the onslaught", async () => {
    const res = await fetch(`${suite.app.url}/api/health`);
    expect(res.status).toBe(200);
    expect(suite.app.output()).not.toContain("uncaughtException");
  });
});
