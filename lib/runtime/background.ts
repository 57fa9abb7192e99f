import { inngest } from "@/inngest/client";
import { publishFunctionTable, type EmbeddedExecutor } from "@/inngest/embedded/executor";
import { functions } from "@/inngest/functions";
import { env, resolveQueueMode } from "@/lib/config";
import { openStorageGuard } from "@/lib/ingest/storage-guard";
import { logger } from "@/lib/observability/logger";
import { startAppExecutor } from "@/lib/runtime/app-executor";
import { workerSockets, workerWaker } from "@/lib/runtime/worker-socket";

const globalForBackground = globalThis as unknown as { smartcarExecutor?: Promise<EmbeddedExecutor | null> };

/**
 * Work the server process does besides answering requests: the local spool (leftovers of an
 * earlier process are replayed once the database answers) and, in embedded queue mode, the
 * executor that runs the Inngest functions (crons included) — unless the launcher runs it in
 * worker processes, when this process only enqueues. Started once per process.
 */
export function startBackgroundWork(): Promise<EmbeddedExecutor | null> {
  globalForBackground.smartcarExecutor ??= start();
  return globalForBackground.smartcarExecutor;
}

async function start(): Promise<EmbeddedExecutor | null> {
  const config = env();
  const mode = resolveQueueMode(config);
  logger.info({ queue: mode, database: config.DATABASE_MODE ?? "external" }, "server.modes");
  await openStorageGuard();
  if (mode !== "embedded") return null;
  if (!config.DATABASE_URL) {
    logger.error("embedded executor not started: DATABASE_URL is not set (start the app with `npm start`)");
    return null;
  }
  if (config.SMARTCAR_PROCESS_ROLE === "web") {
    await publishFunctionTable(inngest, functions, workerWaker(workerSockets(config)));
    logger.info({ workers: config.EXECUTOR_WORKERS }, "executor.in_workers");
    return null;
  }
  return startAppExecutor(logger);
}

/**
 * Stops the executor for a graceful shutdown: calls in flight get up to `timeoutMs`, then their
 * runs are handed back (leases released) so the next start resumes them at once.
 */
export async function stopBackgroundWork(timeoutMs: number): Promise<void> {
  const executor = await globalForBackground.smartcarExecutor?.catch(() => null);
  await executor?.stop({ timeoutMs });
}
