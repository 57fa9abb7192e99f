import { env } from "@/lib/config";
import { isUnavailableError } from "@/lib/db/error-code";
import { closePoolWithin, pool } from "@/lib/db/pool";
import { logger as rootLogger } from "@/lib/observability/logger";
import { metrics } from "@/lib/observability/metrics";
import { startAppExecutor } from "@/lib/runtime/app-executor";
import { lowerSessionPriority } from "@/lib/runtime/session-niceness";
import { wakeEmbeddedExecutor } from "@/inngest/embedded/registry";
import { serveWorkerSocket, workerSocketPath } from "@/lib/runtime/worker-socket";
import { flushProcessingStats } from "@/lib/stats/processing-stats";

// An executor worker (scripts/worker.ts): the embedded executor in a process of its own, so the
// server's single JavaScript thread only receives and serves pages while processing runs on the
// other core. Runs claim from the same Postgres table as ever; the leases make any number of
// workers safe, and a worker killed mid-run leaves runs another one reclaims.

const POOL_CLOSE_WAIT_MS = 1_000;
const START_RETRY_MIN_MS = 500;
const START_RETRY_MAX_MS = 5_000;

export async function runWorker(index: number): Promise<void> {
  const config = env();
  const logger = rootLogger.child({ worker: index });
  if (config.DATABASE_MODE === "embedded") lowerSessionPriority(pool(), logger);
  const executor = await startWhenDatabaseAnswers(() => startAppExecutor(logger), logger);
  const socket = await serveWorkerSocket(workerSocketPath(config, index), { registry: metrics().registry, wake: wakeEmbeddedExecutor });
  logger.info({ pid: process.pid }, "worker.started");

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const budgetMs = config.SHUTDOWN_TIMEOUT_MS;
    setTimeout(() => {
      logger.error({ signal, timeoutMs: budgetMs }, "worker.stop_timed_out");
      process.exit(1);
    }, budgetMs).unref();
    const startedAt = Date.now();
    logger.info({ signal }, "worker.stopping");
    // Runs in flight finish or are handed back (leases released) for the next start.
    await executor.stop({ timeoutMs: budgetMs * 0.8 });
    await flushProcessingStats();
    await socket.close();
    await closePoolWithin(POOL_CLOSE_WAIT_MS);
    logger.info({ signal, ms: Date.now() - startedAt }, "worker.stopped");
    process.exit(0);
  };
  process.on("SIGTERM", (signal) => void stop(signal));
  process.on("SIGINT", (signal) => void stop(signal));
}

// A worker (re)started while the database is down waits for it in-process, saying so once, rather
// than exiting for the launcher to start it again: no fatal line per attempt, no reload of the code.
async function startWhenDatabaseAnswers<T>(start: () => Promise<T>, logger: typeof rootLogger): Promise<T> {
  for (let delayMs = START_RETRY_MIN_MS, said = false; ; delayMs = Math.min(START_RETRY_MAX_MS, delayMs * 2)) {
    try {
      return await start();
    } catch (error) {
      if (!isUnavailableError(error)) throw error;
      if (!said) logger.warn({ err: error }, "worker.database_unavailable: starting once it answers");
      said = true;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
