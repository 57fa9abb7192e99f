import { randomBytes } from "node:crypto";
import { link, readFile, rm, writeFile } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";
import { errorCode } from "@/lib/db/error-code";
import { isProcessRunning } from "@/lib/db/process-state";

const POLL_MS = 25;

/**
 * Runs `fn` while holding a lock file that other processes (and other calls in this process)
 * wait for. A lock whose holder died (SIGKILL mid-way) is broken by the next waiter.
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  await acquire(lockPath, timeoutMs);
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}

async function acquire(lockPath: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // Written aside and hard-linked into place: link() fails when the lock exists (like O_EXCL),
  // and the lock never exists without its holder's pid in it.
  const candidate = `${lockPath}.${process.pid}.${randomBytes(4).toString("hex")}`;
  await writeFile(candidate, `${process.pid}\n`);
  try {
    for (;;) {
      try {
        await link(candidate, lockPath);
        return;
      } catch (error) {
        if (errorCode(error) !== "EEXIST") throw error;
      }
      const holder = await readHolder(lockPath);
      if (holder !== undefined && !isProcessRunning(holder)) {
        // Two waiters breaking the same stale lock at the same instant is not excluded; what the
        // lock guards is written to survive that (see ensureEmbeddedPostgres).
        await rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() >= deadline) {
        throw new Error(`Timed out after ${timeoutMs} ms waiting for ${lockPath} (held by pid ${holder ?? "unknown"}); delete it if that process is gone.`);
      }
      await delay(POLL_MS);
    }
  } finally {
    await rm(candidate, { force: true });
  }
}

/** The pid written in a lock file, or undefined when there is none (or it is unreadable). */
export async function readHolder(lockPath: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(lockPath, "utf8"), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw error;
  }
}
