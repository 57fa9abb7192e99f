import { randomBytes } from "node:crypto";
import { link, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { errorCode } from "@/lib/db/error-code";
import { readHolder } from "@/lib/db/file-lock";
import { isProcessRunning } from "@/lib/db/process-state";

// One process owns a spool directory for its whole life: two processes replaying the same
// segments, or one removing a segment the other still appends to, would break the guarantees.
// The lock is a file holding the owner's pid; a dead owner's lock is taken over.

const LOCK_FILE = "owner.pid";

export type OwnerLock = { ok: true; release: () => Promise<void> } | { ok: false; holder: number };

export async function acquireOwnerLock(dir: string): Promise<OwnerLock> {
  const lockPath = path.join(dir, LOCK_FILE);
  // Written aside and hard-linked into place: link() fails when the lock exists (like O_EXCL),
  // and the lock never exists without its holder's pid in it.
  const candidate = `${lockPath}.${process.pid}.${randomBytes(4).toString("hex")}`;
  await writeFile(candidate, `${process.pid}\n`, { mode: 0o600 });
  try {
    for (;;) {
      try {
        await link(candidate, lockPath);
        return { ok: true, release: () => rm(lockPath, { force: true }) };
      } catch (error) {
        if (errorCode(error) !== "EEXIST") throw error;
      }
      const holder = await readHolder(lockPath);
      // Our own pid in it: left by an earlier life of this process id (a container restarts as pid 1).
      if (holder !== undefined && holder !== process.pid && isProcessRunning(holder)) return { ok: false, holder };
      await rm(lockPath, { force: true });
    }
  } finally {
    await rm(candidate, { force: true });
  }
}
