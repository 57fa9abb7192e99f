import type { ExecutorLogger } from "./drive";

// While the database is unreachable every claim, lease renewal and cron tick fails. Without a
// gate the poller retries every 100 ms and logs each failure; with it, the executor waits a
// growing delay (up to maxMs) between tries and says so once when the trouble starts and once
// when it is over.

export interface FailureGate {
  /** Whether the next database call may be tried now. */
  ready(now?: number): boolean;
  failed(error: unknown, now?: number): void;
  succeeded(now?: number): void;
}

export function createFailureGate({ logger, baseMs = 200, maxMs = 5_000 }: { logger: ExecutorLogger; baseMs?: number; maxMs?: number }): FailureGate {
  let failures = 0;
  let since = 0;
  let retryAt = 0;
  return {
    ready: (now = Date.now()) => now >= retryAt,
    failed(error, now = Date.now()) {
      failures += 1;
      if (failures === 1) {
        since = now;
        logger.error({ err: error }, "executor.database_unavailable: backing off until it answers");
      }
      retryAt = now + Math.min(maxMs, baseMs * 2 ** (failures - 1));
    },
    succeeded(now = Date.now()) {
      if (failures > 0) logger.info({ failures, unavailableMs: now - since }, "executor.database_recovered");
      failures = 0;
      retryAt = 0;
    },
  };
}
