import { setTimeout as delay } from "node:timers/promises";

// Work a route hands to after() (dispatching a stored event) runs once the answer is sent, after
// the HTTP drain of a graceful stop has already seen the request finish. Registering it when the
// route schedules it lets the stop wait for it before the pool closes.

const globalForWork = globalThis as unknown as { smartcarAfterWork?: Set<Promise<void>> };

function pending(): Set<Promise<void>> {
  globalForWork.smartcarAfterWork ??= new Set();
  return globalForWork.smartcarAfterWork;
}

/** `task` for after(), counted as pending from now until it settles. */
export function trackedAfterWork(task: () => Promise<unknown>): () => Promise<void> {
  const work = pending();
  let release = (): void => undefined;
  const done = new Promise<void>((resolve) => {
    release = resolve;
  });
  work.add(done);
  void done.then(() => work.delete(done));
  return async () => {
    try {
      await task();
    } finally {
      release();
    }
  };
}

/** Waits (at most `timeoutMs`) for the pending after() work; returns how much was left. */
export async function settleAfterWork(timeoutMs: number): Promise<number> {
  const work = pending();
  if (work.size > 0) await Promise.race([Promise.all(work), delay(timeoutMs)]);
  return work.size;
}
