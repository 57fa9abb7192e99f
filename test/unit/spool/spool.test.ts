import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decodeSegment, encodeEntry, type SpooledDelivery } from "@/lib/spool/entry";
import { readOutageMarker, writeOutageMarker } from "@/lib/spool/outage-marker";
import { listSegments, SegmentWriter } from "@/lib/spool/segments";
import { Spool, type OpenedSpool } from "@/lib/spool/spool";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "smartcar-spool-unit-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const RECEIVED = new Date("2026-11-29T10:11:12.345Z");

function delivery(eventId: string, extra: Partial<SpooledDelivery> = {}): SpooledDelivery {
  const rawBody = JSON.stringify({ eventId, eventType: "VEHICLE_STATE", note: "line\nbreak \u2028 ünïcode" });
  return {
    eventId,
    eventType: "VEHICLE_STATE",
    vehicleId: "veh-1",
    userId: "user-1",
    mode: "LIVE",
    rawBody,
    bodyBytes: Buffer.byteLength(rawBody),
    deliveryId: `d-${eventId}`,
    deliveredAt: RECEIVED.getTime() - 50,
    tokenSlot: "current",
    userAgent: "Smartcar/test",
    receivedAt: RECEIVED,
    ...extra,
  };
}

function opened(result: OpenedSpool): Extract<OpenedSpool, { kind: "open" }> {
  if (result.kind !== "open") throw new Error(`spool is busy (held by ${result.holder})`);
  return result;
}

/** Everything a replay hands over, recorded; `failAfter` throws once that many batches went through. */
function collector(failAfter = Number.POSITIVE_INFINITY) {
  const batches: SpooledDelivery[][] = [];
  return {
    batches,
    ids: () => batches.flat().map((d) => d.eventId),
    store: async (batch: SpooledDelivery[]) => {
      if (batches.length >= failAfter) throw new Error("database unavailable");
      batches.push(batch);
      return batch.length;
    },
  };
}

describe("spool entry format", () => {
  it("round-trips every field of the row to store, one line per entry", () => {
    const entries = [delivery("a"), delivery("b", { vehicleId: null, userId: null, mode: null, deliveryId: null, deliveredAt: null, tokenSlot: "previous", userAgent: null })];
    const bytes = Buffer.concat(entries.map(encodeEntry));
    expect(bytes.toString("utf8").split("\n")).toHaveLength(3);
    expect(decodeSegment(bytes)).toEqual({ entries, torn: 0 });
  });

  it("skips and counts a torn last line (an append cut off mid-write) and garbage lines", () => {
    const whole = encodeEntry(delivery("a"));
    const cut = encodeEntry(delivery("b")).subarray(0, 40);
    expect(decodeSegment(Buffer.concat([whole, cut]))).toEqual({ entries: [delivery("a")], torn: 1 });
    // A complete-looking entry without its newline was never acknowledged either.
    const unterminated = encodeEntry(delivery("c")).subarray(0, -1);
    expect(decodeSegment(Buffer.concat([whole, unterminated])).torn).toBe(1);
    const garbage = Buffer.from('{"v":1,"eventId":"x"}\n\u0000\u0000\u0000\n');
    expect(decodeSegment(Buffer.concat([garbage, whole]))).toEqual({ entries: [delivery("a")], torn: 2 });
  });
});

describe("SegmentWriter", () => {
  it("rotates to a new segment past the size limit, and never interleaves concurrent appends", async () => {
    const writer = new SegmentWriter(dir, 1_000);
    const lines = Array.from({ length: 20 }, (_, i) => encodeEntry(delivery(`e${i}`)));
    // Waves of concurrent appends: each wave is written (and fsync'ed) together.
    for (let wave = 0; wave < 20; wave += 4) await Promise.all(lines.slice(wave, wave + 4).map((line) => writer.append(line)));
    const segments = await listSegments(dir);
    expect(segments.length).toBeGreaterThan(1);
    const decoded = segments.map((s) => decodeSegment(readFileSync(path.join(dir, s.name))));
    expect(decoded.every((d) => d.torn === 0)).toBe(true);
    expect(decoded.flatMap((d) => d.entries.map((e) => e.eventId))).toEqual(lines.map((_, i) => `e${i}`));
    // A segment is closed by the write that takes it past the limit, never before.
    for (const segment of segments.slice(0, -1)) expect(segment.bytes).toBeGreaterThanOrEqual(1_000);
    await writer.seal();
    expect(writer.activeName).toBeNull();
  });

  it("creates segment files readable by their owner only", async () => {
    const writer = new SegmentWriter(dir, 1_000);
    await writer.append(encodeEntry(delivery("a")));
    const [segment] = await listSegments(dir);
    expect(statSync(path.join(dir, segment!.name)).mode & 0o777).toBe(0o600);
    await writer.seal();
  });
});

describe("Spool", () => {
  it("appends, answers duplicates of a waiting event, replays oldest first and removes what was stored", async () => {
    const { spool, leftovers } = opened(await Spool.open({ dir, maxBytes: 1_000_000, segmentMaxBytes: 2_000 }));
    expect(leftovers.entries).toBe(0);
    expect(await spool.append(delivery("a"))).toEqual({ ok: true, duplicate: false });
    expect(await spool.append(delivery("b"))).toEqual({ ok: true, duplicate: false });
    expect(await spool.append(delivery("a", { deliveryId: "retry" }))).toEqual({ ok: true, duplicate: true });
    expect(spool.holds("a")).toBe(true);
    expect(spool.entries).toBe(3);
    expect(spool.bytes).toBeGreaterThan(0);

    const replay = collector();
    expect(await spool.replay(replay.store, { batchSize: 2 })).toBe(3);
    expect(replay.ids()).toEqual(["a", "b", "a"]);
    expect(replay.batches.map((b) => b.length)).toEqual([2, 1]);
    expect(await listSegments(dir)).toEqual([]);
    expect({ entries: spool.entries, bytes: spool.bytes, holdsA: spool.holds("a") }).toEqual({ entries: 0, bytes: 0, holdsA: false });
    await spool.close();
  });

  it("keeps a segment whose replay failed part-way, and hands all of it over again next time", async () => {
    const { spool } = opened(await Spool.open({ dir, maxBytes: 1_000_000 }));
    for (const id of ["a", "b", "c"]) await spool.append(delivery(id));
    const failing = collector(1);
    await expect(spool.replay(failing.store, { batchSize: 2 })).rejects.toThrow("database unavailable");
    expect(failing.ids()).toEqual(["a", "b"]);
    expect(spool.entries).toBe(3);
    expect(await listSegments(dir)).toHaveLength(1);

    const retry = collector();
    await spool.replay(retry.store, { batchSize: 2 });
    expect(retry.ids()).toEqual(["a", "b", "c"]);
    expect(spool.entries).toBe(0);
    await spool.close();
  });

  it("stops between batches when asked, leaving the rest for later", async () => {
    const { spool } = opened(await Spool.open({ dir, maxBytes: 1_000_000 }));
    for (const id of ["a", "b", "c"]) await spool.append(delivery(id));
    const replay = collector();
    expect(await spool.replay(replay.store, { batchSize: 1, shouldStop: () => replay.batches.length >= 2 })).toBe(2);
    expect(spool.entries).toBe(3);
    await spool.close();
  });

  it("refuses appends past maxBytes", async () => {
    const line = encodeEntry(delivery("a")).length;
    const { spool } = opened(await Spool.open({ dir, maxBytes: line * 2 + 10 }));
    expect((await spool.append(delivery("a"))).ok).toBe(true);
    expect((await spool.append(delivery("b"))).ok).toBe(true);
    expect(await spool.append(delivery("c"))).toEqual({ ok: false, reason: "full" });
    expect(spool.holds("c")).toBe(false);
    await spool.replay(collector().store);
    expect((await spool.append(delivery("c"))).ok).toBe(true);
    await spool.close();
  });

  it("after a crash: reads the leftovers (torn tail skipped and counted), appends to a new segment, replays both", async () => {
    const first = opened(await Spool.open({ dir, maxBytes: 1_000_000 })).spool;
    await first.append(delivery("a"));
    await first.append(delivery("b"));
    // The process dies mid-append: half a line at the end of its segment, the lock left behind.
    const [segment] = await listSegments(dir);
    appendFileSync(path.join(dir, segment!.name), encodeEntry(delivery("torn")).subarray(0, 30));

    const { spool, leftovers } = opened(await Spool.open({ dir, maxBytes: 1_000_000 }));
    expect(leftovers).toMatchObject({ segments: 1, entries: 2, torn: 1, oldestReceivedAt: RECEIVED });
    expect(spool.holds("a")).toBe(true);
    await spool.append(delivery("c"));
    expect(await listSegments(dir)).toHaveLength(2);
    const replay = collector();
    expect(await spool.replay(replay.store)).toBe(3);
    expect(replay.ids()).toEqual(["a", "b", "c"]);
    expect(readdirSync(dir).filter((n) => n.endsWith(".jsonl"))).toEqual([]);
    await spool.close();
  });

  it("belongs to one live process at a time", async () => {
    // A live process other than this one holds it.
    writeFileSync(path.join(dir, "owner.pid"), `${process.ppid}\n`);
    expect(await Spool.open({ dir, maxBytes: 1_000 })).toEqual({ kind: "busy", holder: process.ppid });
    // A dead holder's lock is taken over.
    writeFileSync(path.join(dir, "owner.pid"), "999999999\n");
    const { spool } = opened(await Spool.open({ dir, maxBytes: 1_000 }));
    expect(readFileSync(path.join(dir, "owner.pid"), "utf8")).toBe(`${process.pid}\n`);
    await spool.close();
  });

  it("sets an unstorable entry aside in its own file", async () => {
    const { spool } = opened(await Spool.open({ dir, maxBytes: 1_000_000 }));
    const file = await spool.setAside(delivery("poison"));
    expect(decodeSegment(readFileSync(file)).entries.map((e) => e.eventId)).toEqual(["poison"]);
    await spool.close();
  });
});

describe("outage marker", () => {
  it("keeps open and closed windows across processes, and disappears when empty", async () => {
    const marker = {
      open: { startedAt: new Date("2026-11-29T10:00:00.000Z"), refused: 2, spooled: 5, instance: "host:1" },
      closed: [{ startedAt: new Date("2026-11-29T09:00:00.000Z"), endedAt: new Date("2026-11-29T09:01:00.000Z"), refused: 0, spooled: 3, instance: "host:1", spoolEnabled: true }],
    };
    await writeOutageMarker(dir, marker);
    expect(await readOutageMarker(dir)).toEqual(marker);
    await writeOutageMarker(dir, { open: null, closed: [] });
    expect(readdirSync(dir)).toEqual([]);
    expect(await readOutageMarker(dir)).toEqual({ open: null, closed: [] });
  });
});
