import { describe, expect, it } from "vitest";
import { createStatsBuffer } from "@/lib/stats/stats-buffer";
import type { StatIncrement } from "@/lib/stats/upsert-stats";

const T = Date.parse("2026-01-10T12:34:56.789Z");
const HOUR = new Date("2026-01-10T12:00:00.000Z");

function recorder(options: { fail?: () => boolean; maxKeys?: number } = {}) {
  const written: StatIncrement[][] = [];
  const errors: number[] = [];
  const buffer = createStatsBuffer({
    write: async (rows) => {
      if (options.fail?.()) throw new Error("database down");
      written.push(rows);
    },
    onWriteError: (_err, kept) => errors.push(kept),
    maxKeys: options.maxKeys,
  });
  return { buffer, written, errors };
}

describe("createStatsBuffer", () => {
  it("adds increments of one key up in memory and writes one row per key", async () => {
    const { buffer, written } = recorder();
    for (let i = 0; i < 1_000; i++) buffer.add("received", "VEHICLE_STATE", 1, T);
    buffer.add("received", "VEHICLE_ERROR", 1, T);
    buffer.add("receive_ms_sum", "", 2.5, T);
    buffer.add("receive_ms_sum", "", 4, T);
    await buffer.flush();
    expect(written).toHaveLength(1);
    expect(written[0]).toEqual(
      expect.arrayContaining([
        { hour: HOUR, metric: "received", dimension: "VEHICLE_STATE", value: 1_000 },
        { hour: HOUR, metric: "received", dimension: "VEHICLE_ERROR", value: 1 },
        { hour: HOUR, metric: "receive_ms_sum", dimension: "", value: 6.5 },
      ]),
    );
    expect(written[0]).toHaveLength(3);
  });

  it("keeps hours apart and writes nothing when nothing was added", async () => {
    const { buffer, written } = recorder();
    await buffer.flush();
    expect(written).toEqual([]);
    buffer.add("received", "X", 1, T);
    buffer.add("received", "X", 1, T + 3_600_000);
    await buffer.flush();
    expect(written[0]?.map((r) => r.hour.toISOString()).sort()).toEqual(["2026-01-10T12:00:00.000Z", "2026-01-10T13:00:00.000Z"]);
    await buffer.flush();
    expect(written).toHaveLength(1);
  });

  it("puts the counts back when a write fails and writes them with the next flush", async () => {
    let down = true;
    const { buffer, written, errors } = recorder({ fail: () => down });
    buffer.add("rejected", "SIGNATURE_MISMATCH", 1, T);
    await buffer.flush();
    expect(errors).toEqual([1]);
    expect(buffer.pendingKeys()).toBe(1);
    buffer.add("rejected", "SIGNATURE_MISMATCH", 1, T);
    down = false;
    await buffer.flush();
    expect(written).toEqual([[{ hour: HOUR, metric: "rejected", dimension: "SIGNATURE_MISMATCH", value: 2 }]]);
    expect(buffer.pendingKeys()).toBe(0);
  });

  it("holds at most maxKeys distinct keys while the database is unreachable", async () => {
    const { buffer } = recorder({ fail: () => true, maxKeys: 3 });
    for (const d of ["a", "b", "c", "d", "e"]) buffer.add("received", d, 1, T);
    expect(buffer.pendingKeys()).toBe(3);
    await buffer.flush();
    expect(buffer.pendingKeys()).toBe(3);
  });

  it("runs flushes one after another, so no count is written twice or lost", async () => {
    const { buffer, written } = recorder();
    buffer.add("received", "A", 1, T);
    const first = buffer.flush();
    buffer.add("received", "A", 1, T);
    const second = buffer.flush();
    await Promise.all([first, second]);
    expect(written.flat().reduce((n, r) => n + r.value, 0)).toBe(2);
  });
});
