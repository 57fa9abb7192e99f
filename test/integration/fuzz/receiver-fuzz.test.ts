import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TEST_PREVIOUS_TOKEN, TEST_TOKEN } from "../../helpers/app";
import { useAppWithDatabase } from "../../helpers/app-with-database";
import { printFigures } from "../../helpers/proof";
import { fixtureBytes, sign } from "../../helpers/smartcar";

// Property tests of the receiver over real HTTP: whatever arrives, the answer is never a 5xx
// while the database is healthy, the app never crashes, and nothing unverified becomes a row.
const suite = useAppWithDatabase();

const FIXTURES = ["vehicle-state.docs-shape.json", "vehicle-state.real-shape.json", "vehicle-error.permission-variant.json", "variants.vehicle-state.json", "legacy-v2.scheduled.json"];
const ALLOWED_UNVERIFIED = new Set([200, 400, 401, 413]);

// Answers by status over the whole file, for the figure line.
const answers = new Map<number, number>();

async function post(body: Uint8Array | string, headers: Record<string, string> | Headers): Promise<number> {
  const res = await fetch(`${suite.app.url}/api/webhooks/smartcar`, { method: "POST", body: typeof body === "string" ? body : new Uint8Array(body), headers });
  await res.arrayBuffer();
  answers.set(res.status, (answers.get(res.status) ?? 0) + 1);
  return res.status;
}

let rowsFromUnverified = Number.NaN;

async function storedRows(): Promise<number> {
  return (await rowCount("event")) + (await rowCount("delivery")) + (await rowCount("vehicle"));
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

// A few bytes of a real payload replaced, inserted or cut off.
const mutation = fc.record({
  fixture: fc.constantFrom(...FIXTURES),
  at: fc.nat(),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  mode: fc.constantFrom("replace", "insert", "truncate"),
});

function mutate(original: Buffer, { at, bytes, mode }: { at: number; bytes: Uint8Array; mode: "replace" | "insert" | "truncate" }): Buffer {
  const i = at % original.length;
  if (mode === "truncate") return original.subarray(0, i);
  if (mode === "insert") return Buffer.concat([original.subarray(0, i), bytes, original.subarray(i)]);
  return Buffer.concat([original.subarray(0, i), bytes, original.subarray(Math.min(original.length, i + bytes.length))]);
}

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
    expect(await storedRows()).toBe(0);
  });

  it("refuses tampered real payloads whatever their signature headers say — real, re-cased, padded, duplicated, mixed — and stores nothing", async () => {
    const tampering = fc.record({
      mutation,
      contentType: fc.constantFrom("application/json", "text/plain", ""),
      header: fc.constantFrom("original", "original-upper-case", "original-padded", "original-twice", "original-and-wrong", "original-previous-token", "own-twice"),
    });
    await fc.assert(
      fc.asyncProperty(tampering, async ({ mutation: m, contentType, header }) => {
        const original = fixtureBytes(m.fixture);
        const tampered = mutate(original, m);
        fc.pre(!tampered.equals(original));
        const real = sign(original, TEST_TOKEN);
        const headers = new Headers(contentType ? { "content-type": contentType } : {});
        const values: Record<typeof header, string[]> = {
          original: [real],
          "original-upper-case": [real.toUpperCase()],
          "original-padded": [` ${real} `],
          "original-twice": [real, real],
          "original-and-wrong": [real, sign(tampered, "another-apps-token")],
          "original-previous-token": [sign(original, TEST_PREVIOUS_TOKEN)],
          // Even the tampered body's own valid signature, sent twice, is one unusable header value.
          "own-twice": [sign(tampered, TEST_TOKEN), sign(tampered, TEST_TOKEN)],
        };
        for (const value of values[header]) headers.append("sc-signature", value);
        const status = await post(tampered, headers);
        expect(status, `${header}: status ${status}`).toBe(401);
      }),
      { numRuns: 300 },
    );
    // Every body so far was unverified: not one event, delivery or vehicle row may exist.
    rowsFromUnverified = await storedRows();
    expect(rowsFromUnverified).toBe(0);
  });

  it("answers mutated real payloads signed with the right token with 200 or 400, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const mutated = mutate(fixtureBytes(m.fixture), m);
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
    const crashes = suite.app.output().split("uncaughtException").length - 1;
    expect(crashes).toBe(0);
    const count = (test: (status: number) => boolean) => [...answers].filter(([status]) => test(status)).reduce((sum, [, n]) => sum + n, 0);
    expect(count((s) => s >= 500)).toBe(0);
    printFigures("fuzz", {
      requests: count(() => true),
      "2xx": count((s) => s < 300),
      "4xx": count((s) => s >= 400 && s < 500),
      "5xx": count((s) => s >= 500),
      "rows-from-unverified": rowsFromUnverified,
      crashes,
    });
  });
});
