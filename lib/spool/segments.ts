import { open, readdir, readFile, rm, stat, type FileHandle } from "node:fs/promises";
import path from "node:path";

// The spool directory holds append-only segment files, named so that name order is creation
// order. Only the writer's active segment ever grows; every other one is sealed and can be
// replayed and then removed as a whole. A process never appends to a segment it did not create,
// so a torn line (crash mid-append) can only be the last line of a sealed segment.

const SEGMENT_PATTERN = /^segment-\d{15}-\d{6}\.jsonl$/;

export interface SegmentFile {
  name: string;
  bytes: number;
}

/** Segment files in creation order. */
export async function listSegments(dir: string): Promise<SegmentFile[]> {
  const names = (await readdir(dir)).filter((n) => SEGMENT_PATTERN.test(n)).sort();
  return Promise.all(names.map(async (name) => ({ name, bytes: (await stat(path.join(dir, name))).size })));
}

export function readSegment(dir: string, name: string): Promise<Buffer> {
  return readFile(path.join(dir, name));
}

export async function removeSegment(dir: string, name: string): Promise<void> {
  await rm(path.join(dir, name), { force: true });
  await syncDirectory(dir);
}

/** Makes a created or removed directory entry durable (fsync of the file alone does not). */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

interface PendingAppend {
  data: Buffer;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface ActiveSegment {
  name: string;
  handle: FileHandle;
  bytes: number;
}

/**
 * Appends to the active segment with group commit: appends that arrive while a write + fsync is
 * under way are written together by the next one, so every append resolves only once its bytes
 * are on disk and concurrent appends never interleave. A segment is sealed (closed for good) once
 * it reaches `segmentMaxBytes`, after a failed write, or on seal().
 */
export class SegmentWriter {
  private pending: PendingAppend[] = [];
  private flushing: Promise<void> | null = null;
  private active: ActiveSegment | null = null;
  private sequence = 0;

  constructor(
    private readonly dir: string,
    private readonly segmentMaxBytes: number,
  ) {}

  /** Name of the segment appends currently go to (null until the next append opens one). */
  get activeName(): string | null {
    return this.active?.name ?? null;
  }

  append(data: Buffer): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ data, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** Waits for appends in flight, then closes the active segment; the next append starts a new one. */
  async seal(): Promise<void> {
    while (this.flushing) await this.flushing;
    const sealed = this.active;
    this.active = null;
    await sealed?.handle.close();
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        try {
          await this.write(Buffer.concat(batch.map((p) => p.data)));
          for (const p of batch) p.resolve();
        } catch (error) {
          for (const p of batch) p.reject(error);
          // Whatever part of the batch reached the file is a torn tail: nothing more goes after it.
          const broken = this.active;
          this.active = null;
          await broken?.handle.close().catch(() => undefined);
        }
      }
    } finally {
      this.flushing = null;
    }
  }

  private async write(data: Buffer): Promise<void> {
    const segment = (this.active ??= await this.create());
    let offset = 0;
    while (offset < data.length) {
      const { bytesWritten } = await segment.handle.write(data, offset, data.length - offset);
      offset += bytesWritten;
    }
    await segment.handle.datasync();
    segment.bytes += data.length;
    if (segment.bytes >= this.segmentMaxBytes) {
      this.active = null;
      await segment.handle.close();
    }
  }

  private async create(): Promise<ActiveSegment> {
    this.sequence += 1;
    const name = `segment-${String(Date.now()).padStart(15, "0")}-${String(this.sequence % 1_000_000).padStart(6, "0")}.jsonl`;
    // "ax": append-only, and never an existing file (a leftover is replayed, not extended).
    const handle = await open(path.join(this.dir, name), "ax", 0o600);
    await syncDirectory(this.dir);
    return { name, handle, bytes: 0 };
  }
}
