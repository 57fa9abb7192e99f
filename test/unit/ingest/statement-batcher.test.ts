import { describe, expect, it, vi } from "vitest";
import { isUnavailableError } from "@/lib/db/error-code";
import { createBatcher, StatementSlotTimeout } from "@/lib/ingest/statement-batcher";

interface Item {
  key: string;
  n: number;
}

// A run() whose statements the test finishes one at a time, in any order.
function controlledRun() {
  const calls: { items: Item[]; finish: (results?: PromiseSettledResult<number>[]) => void; fail: (error: unknown) => void }[] = [];
  const run = (items: Item[]) =>
    new Promise<PromiseSettledResult<number>[]>((resolve, reject) => {
      calls.push({
        items,
        finish: (results) => resolve(results ?? items.map((i) => ({ status: "fulfilled", value: i.n * 10 }))),
        fail: reject,
      });
    });
  return { calls, run };
}

const item = (n: number, key = `k${n}`): Item => ({ key, n });
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe("createBatcher", () => {
  it("sends an item at once, alone, while a statement slot is free", async () => {
    const { calls, run } = controlledRun();
    const batcher = createBatcher({ maxBatch: 8, maxInFlight: 2, maxWaitMs: 60_000, keyOf: (i: Item) => i.key, run });
    const first = batcher.submit(item(1));
    const second = batcher.submit(item(2));
    expect(calls.map((c) => c.items.map((i) => i.n))).toEqual([[1], [2]]);
    calls[1]?.finish();
    calls[0]?.finish();
    expect(await Promise.all([first, second])).toEqual([10, 20]);
  });

  it("batches what arrives while every slot is busy, up to maxBatch, in arrival order", async () => {
    const { calls, run } = controlledRun();
    const waiting: number[] = [];
    const batcher = createBatcher({ maxBatch: 3, maxInFlight: 1, maxWaitMs: 60_000, keyOf: (i: Item) => i.key, run, onWaiting: (n) => waiting.push(n) });
    const answers = [1, 2, 3, 4, 5, 6].map((n) => batcher.submit(item(n)));
    expect(calls).toHaveLength(1);
    expect(waiting.at(-1)).toBe(5);
    calls[0]?.finish();
    await flush();
    expect(calls.map((c) => c.items.map((i) => i.n))).toEqual([[1], [2, 3, 4]]);
    expect(waiting.at(-1)).toBe(2);
    calls[1]?.finish();
    await flush();
    calls[2]?.finish();
    expect(calls.map((c) => c.items.map((i) => i.n))).toEqual([[1], [2, 3, 4], [5, 6]]);
    expect(await Promise.all(answers)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(waiting.at(-1)).toBe(0);
  });

  it("never puts two items of one key in a statement; the later one keeps its turn for the next", async () => {
    const { calls, run } = controlledRun();
    const batcher = createBatcher({ maxBatch: 10, maxInFlight: 1, maxWaitMs: 60_000, keyOf: (i: Item) => i.key, run });
    const answers = [item(1), item(2, "same"), item(3, "same"), item(4), item(5, "same")].map((i) => batcher.submit(i));
    calls[0]?.finish();
    await flush();
    expect(calls[1]?.items.map((i) => i.n)).toEqual([2, 4]);
    calls[1]?.finish();
    await flush();
    expect(calls[2]?.items.map((i) => i.n)).toEqual([3]);
    calls[2]?.finish();
    await flush();
    expect(calls[3]?.items.map((i) => i.n)).toEqual([5]);
    calls[3]?.finish();
    expect(await Promise.all(answers)).toEqual([10, 20, 30, 40, 50]);
  });

  it("settles each item with its own result, and rejects a whole statement's items when run fails", async () => {
    const { calls, run } = controlledRun();
    const batcher = createBatcher({ maxBatch: 2, maxInFlight: 1, maxWaitMs: 60_000, keyOf: (i: Item) => i.key, run });
    const answers = [1, 2, 3, 4, 5].map((n) => batcher.submit(item(n)).then((v) => ({ ok: v }), (e: unknown) => ({ error: String(e) })));
    calls[0]?.finish();
    await flush();
    calls[1]?.finish([
      { status: "fulfilled", value: 20 },
      { status: "rejected", reason: "refused" },
    ]);
    await flush();
    expect(calls[2]?.items.map((i) => i.n)).toEqual([4, 5]);
    calls[2]?.fail("connection lost");
    expect(await Promise.all(answers)).toEqual([{ ok: 10 }, { ok: 20 }, { error: "refused" }, { error: "connection lost" }, { error: "connection lost" }]);
  });

  it("keeps going after a failed statement", async () => {
    const { calls, run } = controlledRun();
    const batcher = createBatcher({ maxBatch: 10, maxInFlight: 1, maxWaitMs: 60_000, keyOf: (i: Item) => i.key, run });
    const failed = batcher.submit(item(1));
    calls[0]?.fail(new Error("boom"));
    await expect(failed).rejects.toThrow("boom");
    const next = batcher.submit(item(2));
    calls[1]?.finish();
    await expect(next).resolves.toBe(20);
  });

  it("refuses an item that waited maxWaitMs for a slot, as an outage, and never sends it", async () => {
    vi.useFakeTimers();
    try {
      const { calls, run } = controlledRun();
      const waiting: number[] = [];
      const batcher = createBatcher({ maxBatch: 8, maxInFlight: 1, maxWaitMs: 2_000, keyOf: (i: Item) => i.key, run, onWaiting: (n) => waiting.push(n) });
      const first = batcher.submit(item(1));
      const late = batcher.submit(item(2)).catch((error: unknown) => error);
      vi.advanceTimersByTime(1_999);
      const inTime = batcher.submit(item(3));
      vi.advanceTimersByTime(1);
      const error = await late;
      expect(error).toBeInstanceOf(StatementSlotTimeout);
      expect(isUnavailableError(error)).toBe(true);
      expect(waiting.at(-1)).toBe(1);
      calls[0]?.finish();
      await vi.advanceTimersByTimeAsync(0);
      expect(calls.map((c) => c.items.map((i) => i.n))).toEqual([[1], [3]]);
      calls[1]?.finish();
      expect(await Promise.all([first, inTime])).toEqual([10, 30]);
    } finally {
      vi.useRealTimers();
    }
  });
});
