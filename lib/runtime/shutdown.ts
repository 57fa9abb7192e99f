import { env } from "@/lib/config";
import { closePoolWithin } from "@/lib/db/pool";
import { closeStorageGuard } from "@/lib/ingest/storage-guard";
import { logger } from "@/lib/observability/logger";
import { settleAfterWork } from "@/lib/runtime/after-work";
import { stopBackgroundWork } from "@/lib/runtime/background";
import { drainHttp, trackHttpRequests } from "@/lib/runtime/http-drain";
import { flushProcessingStats } from "@/lib/stats/processing-stats";
import { flushReceiverStats } from "@/lib/stats/receiver-stats";

// Graceful stop on SIGTERM/SIGINT. The launcher (scripts/start.ts) runs `next start` with
// NEXT_MANUAL_SIG_HANDLE, so Next installs no handler of its own that would exit half-way
// through; this one finishes the work in order and exits 0 (1 if it ran out of time).

const POOL_CLOSE_WAIT_MS = 1_000;
// Left between the last step and the budget's hard exit, so a clean stop never races it.
const EXIT_MARGIN_MS = 250;

const globalForShutdown = globalThis as unknown as { smartcarShutdown?: { started: boolean } };

/** Installs the signal handlers once per process and starts following HTTP requests. */
export function installShutdownHandlers(): void {
  if (globalForShutdown.smartcarShutdown) return;
  const state = { started: false };
  globalForShutdown.smartcarShutdown = state;
  trackHttpRequests();
  const onSignal = (signal: NodeJS.Signals) => {
    // A second signal (a terminal's Ctrl-C reaches the launcher and this process) changes nothing.
    if (state.started) return;
    state.started = true;
    void shutdown(signal);
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

async function shutdown(signal: NodeJS.Signals): Promise<void> {
  const budgetMs = env().SHUTDOWN_TIMEOUT_MS;
  const startedAt = Date.now();
  const left = () => Math.max(0, startedAt + budgetMs - Date.now());
  // Past the budget the platform would SIGKILL us anyway; exiting first at least says why.
  setTimeout(() => {
    logger.error({ signal, timeoutMs: budgetMs }, "shutdown.timed_out");
    process.exit(1);
  }, budgetMs).unref();
  logger.info({ signal, timeoutMs: budgetMs }, "shutdown.started");

  // 1. Stop taking connections; requests in flight get their answer, then their after() work runs.
  const http = await step("drain-http", () => drainHttp(left() * 0.4));
  const afterWork = await step("after-work", () => settleAfterWork(left() * 0.2));
  // 2. Spool: appends in flight are on disk, a replay stops between two batches, an outage under
  //    way is saved for the next start.
  await step("close-spool", closeStorageGuard);
  // 3. Embedded executor: runs in flight finish or are handed back with their lease released.
  await step("stop-executor", () => stopBackgroundWork(left() * 0.6));
  // 4. Rollup counters still in memory (receiver; processing when the executor runs here).
  await step("flush-stats", () => Promise.all([flushReceiverStats(), flushProcessingStats()]));
  // 5. The pool, given a moment for a query still running (a run handed back above).
  const closeWaitMs = Math.min(POOL_CLOSE_WAIT_MS, Math.max(0, left() - EXIT_MARGIN_MS));
  await step("close-pool", () => closePoolWithin(closeWaitMs));

  logger.info({ signal, ms: Date.now() - startedAt, unfinishedRequests: http?.unfinished ?? null, unfinishedAfterWork: afterWork ?? null }, "shutdown.completed");
  process.exit(0);
}

async function step<T>(name: string, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    logger.error({ step: name, err: error }, "shutdown.step_failed");
    return undefined;
  }
}
