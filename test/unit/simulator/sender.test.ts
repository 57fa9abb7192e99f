import { afterEach, describe, expect, it } from "vitest";
import type { PlannedMessage } from "@/lib/simulator/plan";
import { acknowledgementLog } from "@/lib/simulator/report";
import { generateMessages } from "@/lib/simulator/run";
import { sendTraffic, type SendOptions } from "@/lib/simulator/sender";
import { summarise } from "@/lib/simulator/tally";
import { startFakeReceiver, type FakeReceiver } from "./fake-receiver";

const TOKEN = "sender-test-token";
const DELAYS = [30, 60, 120];
let receiver: FakeReceiver | undefined;

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function send(fake: FakeReceiver, messages: PlannedMessage[], overrides: Partial<SendOptions> = {}) {
  const { tally, durationMs } = await sendTraffic({ url: fake.url, token: TOKEN, messages, concurrency: 6, ratePerSecond: null, retryDelaysMs: DELAYS, timeoutMs: 5_000, maxBodyBytes: 65_536, ...overrides });
  return summarise(tally, { url: fake.url, scenario: "test", seed: "s", runId: "r", vehicles: 0, durationMs });
}

function attemptsByEvent(fake: FakeReceiver): Map<string, { deliveryId: string | null; deliveredAt: number | null; receivedAt: number; status: number }[]> {
  const byEvent = new Map<string, { deliveryId: string | null; deliveredAt: number | null; receivedAt: number; status: number }[]>();
  for (const d of fake.deliveries) {
    if (!d.eventId) continue;
    byEvent.set(d.eventId, [...(byEvent.get(d.eventId) ?? []), d]);
  }
  return byEvent;
}

describe("sending to a receiver that answers by the book", () => {
  it("gets every expected answer for mixed traffic, and its counts match what the receiver holds", async () => {
    receiver = await startFakeReceiver({ token: TOKEN });
    const messages = generateMessages({ seed: "sender", runId: "mixed", vehicles: 10, count: 250, scenarios: ["mixed", "duplicates"] });
    const summary = await send(receiver, messages);
    expect(summary.unexpectedSamples).toEqual([]);
    expect(summary.unexpected).toBe(0);
    expect(summary.messages).toBe(250);
    expect(summary.stored).toEqual({ events: receiver.events.size, deliveries: receiver.deliveries.length });
    expect(summary.rejected).toEqual(receiver.rejections);
    expect(summary.duplicates).toBeGreaterThan(0);
    expect(summary.challenges).toBeGreaterThan(0);
    // Refused messages are retried three times, like Smartcar does, then lost.
    const refusedMessages = messages.filter((m) => m.fault !== null).length;
    expect(Object.values(summary.rejected).reduce((a, b) => a + b, 0)).toBe(refusedMessages * 4);
    expect(summary.lost).toBe(refusedMessages);
    expect(receiver.maxInFlight).toBeGreaterThan(1);
    expect(receiver.maxInFlight).toBeLessThanOrEqual(6);
  });

  it("retries a lost ack with the same eventId, a new deliveryId and a later deliveredAt, after the retry delay", async () => {
    receiver = await startFakeReceiver({ token: TOKEN });
    const messages = generateMessages({ seed: "sender", runId: "acks", vehicles: 5, count: 60, scenarios: ["duplicates"] });
    const retried = messages.filter((m) => m.lostAcks > 0);
    expect(retried.length).toBeGreaterThan(5);
    const summary = await send(receiver, messages);
    expect(summary.unexpected).toBe(0);
    const byEvent = attemptsByEvent(receiver);
    for (const message of retried) {
      const attempts = byEvent.get(message.eventId) ?? [];
      expect(attempts).toHaveLength(message.lostAcks + 1);
      expect(new Set(attempts.map((a) => a.deliveryId)).size).toBe(attempts.length);
      for (let i = 1; i < attempts.length; i++) {
        const [before, after] = [attempts[i - 1], attempts[i]];
        expect(after?.deliveredAt ?? 0).toBeGreaterThan(before?.deliveredAt ?? Number.POSITIVE_INFINITY);
        // The wait is counted from the end of the previous attempt, so the gap is at least the delay.
        expect((after?.receivedAt ?? 0) - (before?.receivedAt ?? 0)).toBeGreaterThanOrEqual((DELAYS[i - 1] ?? 0) - 2);
      }
    }
    expect(summary.retries).toBe(retried.reduce((sum, m) => sum + m.lostAcks, 0));
    expect(summary.duplicates).toBe(summary.retries);
  });

  it("reports each acknowledged event once, at its first 200, and never a refused one", async () => {
    receiver = await startFakeReceiver({ token: TOKEN });
    const messages = generateMessages({ seed: "sender", runId: "acked", vehicles: 6, count: 150, scenarios: ["mixed", "duplicates"] });
    const log = acknowledgementLog();
    const summary = await send(receiver, messages, { onAcknowledged: log.onAcknowledged });
    const { acknowledged } = log.report(summary);
    expect(acknowledged.map((a) => a.eventId).sort()).toEqual([...receiver.events].sort());
    expect(acknowledged).toHaveLength(summary.stored.events);
    const refused = messages.filter((m) => m.fault !== null || m.verify !== null).map((m) => m.eventId);
    expect(refused.length).toBeGreaterThan(0);
    expect(acknowledged.filter((a) => refused.includes(a.eventId))).toEqual([]);
    const byId = new Map(messages.map((m) => [m.eventId, m]));
    for (const a of acknowledged) {
      const m = byId.get(a.eventId);
      expect(a).toEqual({ eventId: m?.eventId, eventType: m?.eventType, vehicleId: m?.vehicleId, mode: m?.mode });
    }
  });

  it("keeps to the rate it is given", async () => {
    receiver = await startFakeReceiver({ token: TOKEN });
    const messages = generateMessages({ seed: "sender", runId: "rate", vehicles: 3, count: 20 }).map((m) => ({ ...m, lostAcks: 0 }));
    const summary = await send(receiver, messages, { ratePerSecond: 100 });
    expect(summary.sent).toBe(20);
    // 20 starts spaced 10 ms apart take at least 190 ms.
    expect(summary.durationMs).toBeGreaterThanOrEqual(185);
  });
});

describe("sending to a receiver that misbehaves", () => {
  it("reports a failed first attempt as unexpected, retries it, and accepts 'accepted' on the retry", async () => {
    receiver = await startFakeReceiver({ token: TOKEN, failFirstOfEvery: 4 });
    const messages = generateMessages({ seed: "sender", runId: "flaky", vehicles: 5, count: 40 }).map((m) => ({ ...m, lostAcks: 0 }));
    const summary = await send(receiver, messages);
    const failed = receiver.deliveries.filter((d) => d.status === 503).length;
    expect(failed).toBeGreaterThan(3);
    expect(summary.rejected).toEqual({ STORAGE_UNAVAILABLE: failed });
    expect(summary.unexpected).toBe(failed);
    expect(summary.unexpectedSamples.every((u) => u.attempt === 1 && u.got === "503 STORAGE_UNAVAILABLE")).toBe(true);
    expect(summary.accepted).toBe(messages.length);
    expect(summary.lost).toBe(0);
  });

  it("flags a retry answered 'accepted' after the event was already stored", async () => {
    receiver = await startFakeReceiver({ token: TOKEN, forgetsDuplicates: true });
    const messages = generateMessages({ seed: "sender", runId: "acks", vehicles: 5, count: 60, scenarios: ["duplicates"] });
    const summary = await send(receiver, messages);
    const retries = messages.reduce((sum, m) => sum + m.lostAcks, 0);
    expect(retries).toBeGreaterThan(0);
    expect(summary.unexpected).toBe(retries);
    expect(summary.unexpectedSamples.every((u) => u.attempt > 1 && u.got === "200 accepted")).toBe(true);
  });

  it("counts a receiver that is not there as no answer, and gives up after four attempts", async () => {
    receiver = await startFakeReceiver({ token: TOKEN });
    const url = receiver.url;
    await receiver.close();
    receiver = undefined;
    const messages = generateMessages({ seed: "sender", runId: "down", vehicles: 2, count: 3 }).map((m) => ({ ...m, lostAcks: 0 }));
    const { tally } = await sendTraffic({ url, token: TOKEN, messages, concurrency: 2, ratePerSecond: null, retryDelaysMs: [1, 1, 1], timeoutMs: 2_000, maxBodyBytes: 65_536 });
    expect(tally.failed).toEqual({ NETWORK: 12 });
    expect(tally.unexpected).toBe(12);
    expect(tally.lost).toBe(3);
  });
});
