// An in-memory counter of failures per key (a client IP) in fixed windows. One per process:
// several instances each keep their own, which is why the per-account lockout in the database
// is the real bound and this only blunts one client spraying many accounts.

export interface FailureLimiter {
  /** Whether `key` has used up its failures for the current window. */
  isBlocked(key: string): boolean;
  recordFailure(key: string): void;
}

interface Window {
  startedAt: number;
  failures: number;
}

export function createFailureLimiter({
  maxFailures,
  windowMs,
  maxKeys = 10_000,
  now = Date.now,
}: {
  maxFailures: number;
  windowMs: number;
  /** Bounds memory when a client rotates its apparent address. */
  maxKeys?: number;
  now?: () => number;
}): FailureLimiter {
  const windows = new Map<string, Window>();
  const isCurrent = (w: Window, at: number) => at - w.startedAt < windowMs;

  function makeRoom(at: number): void {
    for (const [key, w] of windows) if (!isCurrent(w, at)) windows.delete(key);
    // Still full of live windows: forget the oldest (Map iterates in insertion order).
    while (windows.size >= maxKeys) {
      const oldest = windows.keys().next();
      if (oldest.done) break;
      windows.delete(oldest.value);
    }
  }

  return {
    isBlocked(key) {
      const w = windows.get(key);
      return w !== undefined && isCurrent(w, now()) && w.failures >= maxFailures;
    },
    recordFailure(key) {
      const at = now();
      const w = windows.get(key);
      if (w && isCurrent(w, at)) {
        w.failures += 1;
        return;
      }
      windows.delete(key);
      if (windows.size >= maxKeys) makeRoom(at);
      windows.set(key, { startedAt: at, failures: 1 });
    },
  };
}
