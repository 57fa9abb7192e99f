import type pg from "pg";
import { finishRuns } from "./transitions";

interface Pending {
  runId: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Coalesces the DONE marks of runs finishing close together into one statement. With one SDK
 * request per run, the finish write is most of the executor's own per-run cost, and runs finish
 * in bursts (one claim's batch), so this saves a round trip for most of them.
 */
export function finishBatcher(pool: pg.Pool): (runId: string) => Promise<void> {
  let pending: Pending[] = [];
  let flushing = false;

  const flush = async () => {
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      try {
        await finishRuns(pool, batch.map((p) => p.runId));
        for (const p of batch) p.resolve();
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    flushing = false;
  };

  return (runId) =>
    new Promise<void>((resolve, reject) => {
      pending.push({ runId, resolve, reject });
      if (flushing) return;
      flushing = true;
      // Let the other runs of this turn of the event loop join the batch.
      setImmediate(() => void flush());
    });
}
