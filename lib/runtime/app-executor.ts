import type { Logger } from "pino";
import { inngest } from "@/inngest/client";
import { startEmbeddedExecutor, type EmbeddedExecutor } from "@/inngest/embedded/executor";
import { functions } from "@/inngest/functions";
import { env } from "@/lib/config";
import { pool } from "@/lib/db/pool";

/** The embedded executor running this app's functions, as configured: in a worker or in the server. */
export function startAppExecutor(logger: Logger): Promise<EmbeddedExecutor> {
  const config = env();
  return startEmbeddedExecutor({
    client: inngest,
    functions,
    pool: pool(),
    logger: logger.child({ component: "executor" }),
    concurrency: config.EXECUTOR_CONCURRENCY ?? defaultConcurrency(config.SMARTCAR_PROCESS_ROLE),
    leaseMs: config.EXECUTOR_LEASE_MS,
    backoffBaseMs: config.EXECUTOR_BACKOFF_BASE_MS,
    owner: config.SMARTCAR_EXECUTOR_OWNER,
    deadOwners: config.SMARTCAR_DEAD_EXECUTOR_OWNER ? [config.SMARTCAR_DEAD_EXECUTOR_OWNER] : [],
  });
}

// A worker's runs spend much of their time waiting on their statements' commits; with more of
// them in flight the worker and Postgres keep both cores busier (measured: a held backlog drained
// at 261/s on average at 10 against 242/s at 5). In the server they would compete with the
// receiver for its connections, whose wait is bounded (lib/ingest/storage-guard.ts).
function defaultConcurrency(role: "web" | "worker" | undefined): number {
  return role === "worker" ? 10 : 5;
}
