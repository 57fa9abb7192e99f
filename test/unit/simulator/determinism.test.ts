import { describe, expect, it } from "vitest";
import { isRecord } from "@/lib/smartcar/coerce";
import { renderAttempt } from "@/lib/simulator/delivery";
import { eventIdFor, type PlannedMessage } from "@/lib/simulator/plan";
import { generateMessages } from "@/lib/simulator/run";

const END = Date.parse("2026-11-29T12:00:00.000Z");

function mixed(runId: string, seed = "42", endAt = END): PlannedMessage[] {
  return generateMessages({ seed, runId, vehicles: 12, count: 300, scenarios: ["mixed"], endAt });
}

/** A delivery's JSON without the two fields that belong to the HTTP attempt. */
function withoutDeliveryFields(body: string): unknown {
  const parsed: unknown = JSON.parse(body);
  if (!isRecord(parsed) || !isRecord(parsed.meta)) return parsed;
  const { deliveryId: _id, deliveredAt: _at, ...keptMeta } = parsed.meta;
  return { ...parsed, meta: keptMeta };
}

describe("replaying a seed", () => {
  const first = mixed("run-a");
  const again = mixed("run-a");

  it("produces the same events in the same order", () => {
    expect(again.map((m) => m.eventId)).toEqual(first.map((m) => m.eventId));
    expect(first.map((m) => m.eventId)).toEqual(first.map((m) => eventIdFor("42", "run-a", m.n)));
    expect(new Set(first.map((m) => m.eventId)).size).toBe(first.length);
    expect(again.map((m) => ({ fault: m.fault, lostAcks: m.lostAcks, mode: m.mode }))).toEqual(first.map((m) => ({ fault: m.fault, lostAcks: m.lostAcks, mode: m.mode })));
  });

  it("sends identical bodies except meta.deliveryId and meta.deliveredAt", () => {
    const token = "tok";
    // Legacy v2 VERIFY bodies carry no delivery fields at all.
    const wellFormed = first.filter((m) => m.fault === null && !m.verify?.legacy);
    for (const [i, message] of wellFormed.entries()) {
      const replay = again.find((m) => m.n === message.n);
      if (!replay) throw new Error(`message ${message.n} missing from the replay`);
      const a = renderAttempt(message, { token, deliveryId: `d-${i}-a`, deliveredAt: 1, maxBodyBytes: 65_536 });
      const b = renderAttempt(replay, { token, deliveryId: `d-${i}-b`, deliveredAt: 2, maxBodyBytes: 65_536 });
      expect(a.body).not.toBe(b.body);
      expect(withoutDeliveryFields(b.body)).toEqual(withoutDeliveryFields(a.body));
    }
  });

  it("makes new events for a new run id, from the same fleet", () => {
    const other = mixed("run-b");
    const ids = new Set(first.map((m) => m.eventId));
    expect(other.filter((m) => ids.has(m.eventId))).toEqual([]);
    const vehicles = (messages: PlannedMessage[]) => new Set(messages.flatMap((m) => (m.vehicleId ? [m.vehicleId] : [])));
    expect(vehicles(other)).toEqual(vehicles(first));
  });

  it("names another fleet for another seed", () => {
    const other = mixed("run-a", "43");
    const vehicles = new Set(first.map((m) => m.vehicleId));
    expect(other.filter((m) => m.vehicleId !== null && vehicles.has(m.vehicleId))).toEqual([]);
  });

  it("only back-dates: a later end time shifts every timestamp by the same amount", () => {
    const later = mixed("run-a", "42", END + 3_600_000);
    expect(later.map((m) => m.eventId)).toEqual(first.map((m) => m.eventId));
    expect(later.map((m) => m.at - 3_600_000)).toEqual(first.map((m) => m.at));
    expect(Math.max(...first.map((m) => m.at))).toBe(END);
  });
});
