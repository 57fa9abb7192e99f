import { inngest } from "@/inngest/client";
import { startEmbeddedExecutor, type EmbeddedExecutor } from "@/inngest/embedded/executor";
import { functions } from "@/inngest/functions";
import { env, resolveQueueMode } from "@/lib/config";
import { pool } from "@/lib/db/pool";
import { logger } from "@/lib/observability/logger";

const globalForBackground = globalThis as unknown as { smartcarExecutor?: Promise<EmbeddedExecutor | null> };

/**
 * Work the server process does besides answering requests: in embedded queue mode, the executor
 * that runs the Inngest functions (crons included). Started once per process.
 */
export function startBackgroundWork(): Promise<EmbeddedExecutor | null> {
  globalForBackground.smartcarExecutor ??= start();
  return globalForBackground.smartcarExecutor;
}

async function start(): Promise<EmbeddedExecutor | null> {
  const config = env();
  const mode = resolveQueueMode(config);
  logger.info({ queue: mode, database: config.DATABASE_MODE ?? "external" }, "server.modes");
  if (mode !== "embedded") return null;
  if (!config.DATABASE_URL) {
    logger.error("embedded executor not started: DATABASE_URL is not set (start the app with `npm start`)");
    return null;
  }
  const executor = await startEmbeddedExecutor({
    client: inngest,
    functions,
    pool: pool(),
    logger: logger.child({ component: "executor" }),
    concurrency: config.EXECUTOR_CONCURRENCY,
    leaseMs: config.EXECUTOR_LEASE_MS,
    backoffBaseMs: config.EXECUTOR_BACKOFF_BASE_MS,
  });
  // Hand leased runs back on a graceful stop so a restart resumes them at once, not after the lease.
  process.once("SIGTERM", () => void executor.stop());
  process.once("SIGINT", () => void executor.stop());
  logger.info("executor.started");
  return executor;
}
