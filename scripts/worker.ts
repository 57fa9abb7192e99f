// An executor worker, started by the launcher (scripts/start.ts) when EXECUTOR_WORKERS ≥ 1, from
// its bundle (lib/runtime/worker-bundle.ts): runs the embedded executor (processing, crons)
// outside the server process. SIGTERM/SIGINT stop it gracefully. Not meant to be run by hand.
import { env } from "@/lib/config";
import { logger } from "@/lib/observability/logger";
import { runWorker } from "@/lib/runtime/worker";

// The Inngest SDK enumerates process.env several times for every call of the serve handler
// (getProcessEnv in inngest/helpers/env.js, ~7 times per processed event). process.env is backed
// by the C environment: each enumeration cost ~50 µs here, against ~3 µs for a plain object. A
// worker's environment is fixed when the launcher spawns it, so a copy holds the same values.
process.env = { ...process.env };

const index = Number(process.env.SMARTCAR_WORKER_INDEX ?? "1");

if (env().SMARTCAR_PROCESS_ROLE !== "worker") {
  logger.fatal("the executor worker is started by `npm start` (scripts/start.ts), which sets SMARTCAR_PROCESS_ROLE=worker");
  process.exit(1);
}

runWorker(index).catch((error: unknown) => {
  logger.fatal({ err: error, worker: index }, "worker.start_failed");
  process.exit(1);
});
