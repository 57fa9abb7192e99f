import { mkdir, open } from "node:fs/promises";
import path from "node:path";
import { decodeSegment, encodeEntry, type SpooledDelivery } from "./entry";
import { acquireOwnerLock } from "./owner-lock";
import { listSegments, readSegment, removeSegment, SegmentWriter } from "./segments";

// A durable queue of verified deliveries on local disk, for while the database is unavailable.
// append() resolves only once the entry is fsync'ed, so a 200 sent after it survives a crash;
// replay() hands the entries back, oldest segment first, and removes a segment only once every
// entry in it was handed over successfully.

const DEFAULT_SEGMENT_BYTES = 8 * 1024 * 1024;
const SET_ASIDE_FILE = "unreplayable.jsonl";

export interface SpoolOptions {
  dir: string;
  /** Appends that would take the spool past this many bytes are refused. */
  maxBytes: number;
  segmentMaxBytes?: number;
}

export interface Leftovers {
  segments: number;
  entries: number;
  torn: number;
  bytes: number;
  /** receivedAt of the oldest leftover entry. */
  oldestReceivedAt: Date | null;
}

export type OpenedSpool = { kind: "open"; spool: Spool; leftovers: Leftovers } | { kind: "busy"; holder: number };

export type AppendResult =
  | { ok: true; /** An entry of the same eventId is already waiting in the spool. */ duplicate: boolean }
  | { ok: false; reason: "full" }
  | { ok: false; reason: "failed"; error: unknown };

export interface ReplayOptions {
  batchSize?: number;
  /** Checked between batches: a stop leaves the rest (and the current segment) for later. */
  shouldStop?: () => boolean;
}

/** Stores a batch (idempotently: a batch may be handed over again after a failure) and returns how many it newly stored. */
export type StoreBatch = (batch: SpooledDelivery[]) => Promise<number>;

export class Spool {
  private readonly writer: SegmentWriter;
  /** Entries waiting per eventId, in-flight appends included. */
  private readonly waiting = new Map<string, number>();
  private entryCount = 0;
  private diskBytes = 0;
  private inflightBytes = 0;
  private closed = false;

  private constructor(
    private readonly options: SpoolOptions,
    private readonly releaseLock: () => Promise<void>,
  ) {
    this.writer = new SegmentWriter(options.dir, options.segmentMaxBytes ?? DEFAULT_SEGMENT_BYTES);
  }

  /** Takes ownership of the directory and reads what an earlier process left in it. */
  static async open(options: SpoolOptions): Promise<OpenedSpool> {
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    const lock = await acquireOwnerLock(options.dir);
    if (!lock.ok) return { kind: "busy", holder: lock.holder };
    const spool = new Spool(options, lock.release);
    const leftovers: Leftovers = { segments: 0, entries: 0, torn: 0, bytes: 0, oldestReceivedAt: null };
    for (const segment of await listSegments(options.dir)) {
      const { entries, torn } = decodeSegment(await readSegment(options.dir, segment.name));
      leftovers.segments += 1;
      leftovers.entries += entries.length;
      leftovers.torn += torn;
      leftovers.bytes += segment.bytes;
      for (const entry of entries) {
        spool.remember(entry.eventId);
        if (!leftovers.oldestReceivedAt || entry.receivedAt < leftovers.oldestReceivedAt) leftovers.oldestReceivedAt = entry.receivedAt;
      }
    }
    spool.entryCount = leftovers.entries;
    spool.diskBytes = leftovers.bytes;
    return { kind: "open", spool, leftovers };
  }

  get entries(): number {
    return this.entryCount;
  }

  get bytes(): number {
    return this.diskBytes + this.inflightBytes;
  }

  /** Whether deliveries of this event are waiting to be replayed. */
  holds(eventId: string): boolean {
    return this.waiting.has(eventId);
  }

  async append(delivery: SpooledDelivery): Promise<AppendResult> {
    const line = encodeEntry(delivery);
    if (this.closed || this.bytes + line.length > this.options.maxBytes) return { ok: false, reason: "full" };
    const duplicate = this.holds(delivery.eventId);
    this.remember(delivery.eventId);
    this.inflightBytes += line.length;
    try {
      await this.writer.append(line);
      this.diskBytes += line.length;
      this.entryCount += 1;
      return { ok: true, duplicate };
    } catch (error) {
      this.forget(delivery.eventId);
      return { ok: false, reason: "failed", error };
    } finally {
      this.inflightBytes -= line.length;
    }
  }

  /**
   * Hands every entry to `storeBatch`, oldest first, removing each segment once all of it was
   * stored; returns how many entries were newly stored. A throwing storeBatch ends the replay
   * (the rest stays for the next one). Entries appended meanwhile are replayed in the same call.
   */
  async replay(storeBatch: StoreBatch, { batchSize = 100, shouldStop = () => false }: ReplayOptions = {}): Promise<number> {
    let stored = 0;
    for (;;) {
      await this.writer.seal();
      const active = this.writer.activeName;
      const sealed = (await listSegments(this.options.dir)).filter((s) => s.name !== active);
      if (sealed.length === 0) return stored;
      for (const segment of sealed) {
        const { entries } = decodeSegment(await readSegment(this.options.dir, segment.name));
        for (let i = 0; i < entries.length; i += batchSize) {
          if (shouldStop()) return stored;
          stored += await storeBatch(entries.slice(i, i + batchSize));
        }
        await removeSegment(this.options.dir, segment.name);
        for (const entry of entries) this.forget(entry.eventId);
        this.entryCount -= entries.length;
        // A failed append may have left bytes in the file that were never counted.
        this.diskBytes = Math.max(0, this.diskBytes - segment.bytes);
      }
    }
  }

  /** Keeps an entry that can never be stored (it fails for a reason other than the database being down) for an operator. */
  async setAside(delivery: SpooledDelivery): Promise<string> {
    const file = path.join(this.options.dir, SET_ASIDE_FILE);
    const handle = await open(file, "a", 0o600);
    try {
      await handle.write(encodeEntry(delivery));
      await handle.datasync();
    } finally {
      await handle.close();
    }
    return file;
  }

  /** Waits for appends in flight, closes the active segment and gives up the directory. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writer.seal();
    await this.releaseLock();
  }

  private remember(eventId: string): void {
    this.waiting.set(eventId, (this.waiting.get(eventId) ?? 0) + 1);
  }

  private forget(eventId: string): void {
    const left = (this.waiting.get(eventId) ?? 0) - 1;
    if (left > 0) this.waiting.set(eventId, left);
    else this.waiting.delete(eventId);
  }
}
