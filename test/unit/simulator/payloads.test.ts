import { describe, expect, it } from "vitest";
import { expectationFor, renderAttempt } from "@/lib/simulator/delivery";
import type { PlannedMessage } from "@/lib/simulator/plan";
import { generateMessages, thirtySignalStates } from "@/lib/simulator/run";
import { isRecord } from "@/lib/smartcar/coerce";
import { parseJson, readEnvelope } from "@/lib/smartcar/envelope";
import { normaliseEvent } from "@/lib/smartcar/normalise";
import { isValidChallenge, verifySignature } from "@/lib/smartcar/signature";

const TOKEN = "unit-test-token";
const MAX_BODY = 65_536;
const encoder = new TextEncoder();

const messages = generateMessages({ seed: "payloads", runId: "r1", vehicles: 20, count: 600, scenarios: ["mixed", "verify"] });

function attempt(message: PlannedMessage, deliveryId = "delivery-1", deliveredAt = 1_800_000_000_000) {
  return renderAttempt(message, { token: TOKEN, deliveryId, deliveredAt, maxBodyBytes: MAX_BODY });
}

function parsed(message: PlannedMessage): Record<string, unknown> {
  const value: unknown = JSON.parse(attempt(message).body);
  if (!isRecord(value)) throw new Error("not an object");
  return value;
}

describe("generated payloads", () => {
  it("come in both shapes, with FIRST_DELIVERY in each", () => {
    const states = messages.filter((m) => m.eventType === "VEHICLE_STATE" && m.fault === null).map(parsed);
    const docs = states.filter((b) => typeof b.vehicleId === "string" && isRecord(b.data) && Array.isArray(b.data.triggers) && !("triggers" in b));
    const real = states.filter((b) => !("vehicleId" in b) && Array.isArray(b.triggers));
    expect(docs.length).toBeGreaterThan(50);
    expect(real.length).toBeGreaterThan(50);
    expect(docs.length + real.length).toBe(states.length);
    expect(JSON.stringify(docs)).toContain('"fetchedAt"');
    expect(JSON.stringify(docs)).not.toContain('"retrievedAt"');
    expect(JSON.stringify(real)).toContain('"retrievedAt"');
    expect(JSON.stringify(real)).toContain('"status":{"value":"SUCCESS"}');
    expect(docs.some((b) => JSON.stringify(b).includes('"triggers":[{"code":"FIRST_DELIVERY"}]'))).toBe(true);
    expect(real.some((b) => JSON.stringify(b).includes('"triggers":[{"type":"FIRST_DELIVERY"}]'))).toBe(true);
  });

  it("include each kind of trouble the mixed scenario promises", () => {
    const kinds = new Set(messages.map((m) => (m.fault ? `${m.fault.kind}` : m.verify ? "VERIFY" : `${m.eventType}/${m.mode}`)));
    expect([...kinds].sort()).toEqual(["VEHICLE_ERROR/LIVE", "VEHICLE_STATE/LIVE", "VEHICLE_STATE/TEST", "VERIFY", "bad-signature", "malformed", "oversize"]);
    expect(messages.some((m) => m.lostAcks > 0)).toBe(true);
    // Overtaken messages: the sending order is not the generation order.
    expect(messages.some((m, i) => i > 0 && m.n < (messages[i - 1]?.n ?? 0))).toBe(true);
    const events = messages.filter((m) => m.fault === null && !m.verify).map((m) => normaliseEvent(parsed(m)));
    expect(events.some((e) => e.signals.some((s) => s.error?.type === "COMPATIBILITY"))).toBe(true);
    expect(events.some((e) => e.signals.some((s) => s.error?.type === "UPSTREAM" || s.error?.type === "SERVER" || s.error?.type === "RATE_LIMIT"))).toBe(true);
    expect(events.some((e) => e.errors.some((x) => x.state === "RESOLVED"))).toBe(true);
  });

  it("are read by the receiver's envelope and normaliser without a single warning", () => {
    const events = messages.filter((m) => m.fault === null && !m.verify);
    expect(events.length).toBeGreaterThan(400);
    for (const message of events) {
      const bytes = encoder.encode(attempt(message, `d-${message.n}`).body);
      const json = parseJson(bytes);
      if (!json.ok) throw new Error(`message ${message.n} is not JSON`);
      expect(readEnvelope(json.value, bytes)).toMatchObject({ kind: "event", eventId: message.eventId, eventType: message.eventType, vehicleId: message.vehicleId, mode: message.mode, deliveryId: `d-${message.n}`, deliveredAt: 1_800_000_000_000 });
      const event = normaliseEvent(json.value);
      expect({ n: message.n, warnings: event.warnings }).toEqual({ n: message.n, warnings: [] });
      const meta = isRecord(json.value) && isRecord(json.value.meta) ? json.value.meta : {};
      if (message.eventType === "VEHICLE_STATE") expect(event.signals).toHaveLength(Number(meta.signalCount));
      else expect(event.errors.length).toBeGreaterThan(0);
    }
  });

  it("answer VERIFY challenges the receiver accepts, plus signing-oracle probes it must refuse", () => {
    const verifies = messages.filter((m) => m.verify);
    expect(verifies.some((m) => m.verify?.legacy)).toBe(true);
    expect(verifies.some((m) => m.verify?.probe)).toBe(true);
    for (const message of verifies) {
      const bytes = encoder.encode(attempt(message).body);
      const json = parseJson(bytes);
      if (!json.ok) throw new Error("VERIFY is not JSON");
      const envelope = readEnvelope(json.value, bytes);
      expect(envelope).toMatchObject({ kind: "verify", legacy: message.verify?.legacy });
      const challenge = envelope.kind === "verify" ? envelope.challenge : null;
      expect(isValidChallenge(challenge)).toBe(!message.verify?.probe);
      expect(expectationFor(message, TOKEN).kind).toBe(message.verify?.probe ? "refused" : "challenge");
    }
  });

  it("spoil bodies exactly the way their expected rejection says", () => {
    const trouble = generateMessages({ seed: "payloads", runId: "r2", vehicles: 10, count: 300, scenarios: ["bad-signatures", "malformed", "oversize"] });
    const spoiled = trouble.filter((m) => m.fault !== null);
    expect(spoiled.length).toBeGreaterThan(100);
    const reasons = new Set<string>();
    for (const message of spoiled) {
      const { body, signature } = attempt(message);
      const bytes = encoder.encode(body);
      const expectation = expectationFor(message, TOKEN);
      if (expectation.kind !== "refused") throw new Error("a spoiled message must expect a rejection");
      reasons.add(expectation.code);
      // The receiver's checks in API.md §1 order.
      const check = verifySignature({ rawBody: bytes, signature, tokens: [{ slot: "current", token: TOKEN }] });
      const json = parseJson(bytes);
      const outcome =
        bytes.byteLength > MAX_BODY
          ? "BODY_TOO_LARGE"
          : !check.ok
            ? check.reason
            : !json.ok
              ? "INVALID_JSON"
              : readEnvelope(json.value, bytes).kind === "invalid"
                ? "INVALID_SCHEMA"
                : "STORED";
      expect({ n: message.n, outcome }).toEqual({ n: message.n, outcome: expectation.code });
    }
    expect([...reasons].sort()).toEqual(["BODY_TOO_LARGE", "INVALID_JSON", "INVALID_SCHEMA", "SIGNATURE_MISMATCH", "SIGNATURE_MISSING"]);
  });
});

describe("the benchmark's 30-signal VEHICLE_STATE generator", () => {
  it("makes 6–8 KB bodies with 30 working signals, in both shapes", () => {
    const states = thirtySignalStates({ seed: "bench", runId: "b1", vehicles: 40, count: 400 });
    const shapes = new Set<string>();
    for (const message of states) {
      expect(message.eventType).toBe("VEHICLE_STATE");
      const { body, signature } = attempt(message);
      expect(verifySignature({ rawBody: encoder.encode(body), signature, tokens: [{ slot: "current", token: TOKEN }] })).toEqual({ ok: true, slot: "current" });
      const size = Buffer.byteLength(body);
      expect(size).toBeGreaterThanOrEqual(6 * 1024);
      expect(size).toBeLessThanOrEqual(8 * 1024);
      const event = normaliseEvent(JSON.parse(body));
      expect(event.signals).toHaveLength(30);
      expect(event.signals.filter((s) => s.error !== null)).toEqual([]);
      shapes.add(body.includes('"retrievedAt"') ? "real" : "docs");
    }
    expect([...shapes].sort()).toEqual(["docs", "real"]);
    // In order and without duplicates: a load generator wants each body once.
    expect(states.map((m) => m.n)).toEqual(states.map((_, i) => i));
    expect(states.every((m) => m.lostAcks === 0)).toBe(true);
  });
});
