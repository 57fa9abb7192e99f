// npm start: everything a fresh machine needs, then `next start`.
// 1. parse the configuration  2. local secrets  3. database (embedded when DATABASE_URL is unset)
// 4. migrations under an advisory lock  5. build (and bundle the worker) when there is none
// 6. run next start and, in embedded queue mode, the executor workers; forward SIGTERM/SIGINT to
// them, wait for their graceful stop and exit with the server's code.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { constants as osConstants } from "node:os";
import path from "node:path";
import { env, managementTokens, resolveQueueMode } from "@/lib/config";
import { applyMigrations } from "@/lib/db/migrate";
import { resolveDatabase } from "@/lib/db/resolve";
import { logger } from "@/lib/observability/logger";
import { generateAuthSecret, readOrCreateSecret } from "@/lib/runtime/local-secrets";
import { ensureInitialAdmin } from "@/lib/auth/initial-admin";
import { buildWorkerBundle, hasWorkerBundle, nextDistDir, workerBundlePath } from "@/lib/runtime/worker-bundle";
import { superviseWorker } from "@/lib/runtime/worker-supervisor";

const nextBin = path.join(process.cwd(), "node_modules", "next", "dist", "bin", "next");

async function main(): Promise<void> {
  const config = env();
  const dataDir = path.resolve(config.DATA_DIR);
  const queueMode = resolveQueueMode(config);

  const authSecret = config.AUTH_SECRET ?? readOrCreateSecret(dataDir, "auth-secret", generateAuthSecret);
  if (managementTokens(config).length === 0) {
    logger.warn(
      "SMARTCAR_MANAGEMENT_TOKEN is not set: every webhook will be answered 503 TOKEN_NOT_CONFIGURED until it is. " +
        "Copy the Application Management Token from Smartcar's dashboard into the environment.",
    );
  }

  const database = await resolveDatabase(config);
  logger.info({ database: database.mode, queue: queueMode }, "startup.modes");
  const migrations = await applyMigrations(database.url);
  logger.info({ applied: migrations.applied }, "startup.migrations");
  await ensureInitialAdmin({ databaseUrl: database.url, dataDir, env: process.env });

  const distDir = nextDistDir();
  if (!existsSync(path.join(process.cwd(), distDir, "BUILD_ID"))) {
    logger.info("no production build found: running next build");
    const build = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
    if (build.status !== 0) throw new Error(`next build failed with exit code ${build.status}`);
  }

  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    DATABASE_MODE: database.mode,
    AUTH_SECRET: authSecret,
    AUTH_TRUST_HOST: process.env.AUTH_TRUST_HOST ?? "true",
    NEXT_TELEMETRY_DISABLED: "1",
    // Next's own SIGTERM handler exits as soon as its HTTP server is closed, cutting the app's
    // graceful stop short (lib/runtime/shutdown.ts): the app handles the signals itself.
    NEXT_MANUAL_SIG_HANDLE: "true",
  };
  // Processing gets processes of its own, so it no longer shares the server's one JavaScript
  // thread with receiving (README "Performance"); the server then only enqueues.
  const workerCount = queueMode === "embedded" ? config.EXECUTOR_WORKERS : 0;
  if (workerCount > 0) {
    childEnv.SMARTCAR_PROCESS_ROLE = "web";
    if (!hasWorkerBundle(distDir)) {
      logger.info("no worker bundle found: bundling the executor worker");
      await buildWorkerBundle(distDir);
    }
  }

  const server = spawn(process.execPath, [...heapFlag(config.SERVER_MAX_HEAP_MB), nextBin, "start", "-p", String(config.PORT)], { stdio: "inherit", env: childEnv });
  const workers = Array.from({ length: workerCount }, (_, i) => superviseWorker(i + 1, { script: workerBundlePath(distDir), env: childEnv, nodeFlags: heapFlag(config.WORKER_MAX_HEAP_MB), logger }));
  const serverRunning = () => server.exitCode === null && server.signalCode === null;
  // Everything stops on its own terms (bounded by SHUTDOWN_TIMEOUT_MS): forward, then wait.
  let stopping: Promise<void> | null = null;
  const stopAll = (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) return stopping;
    if (serverRunning()) server.kill(signal);
    // A process that outlives its own budget (a stop that hangs, or a build older than this
    // launcher, which leaves the signals to a handler it does not have) is killed: a stop always ends.
    setTimeout(() => {
      logger.warn({ afterMs: config.SHUTDOWN_TIMEOUT_MS + KILL_GRACE_MS }, "shutdown.killed");
      if (serverRunning()) server.kill("SIGKILL");
      for (const worker of workers) worker.kill();
    }, config.SHUTDOWN_TIMEOUT_MS + KILL_GRACE_MS).unref();
    stopping = Promise.all(workers.map((w) => w.stop(signal))).then(() => undefined);
    return stopping;
  };
  process.on("SIGINT", () => void stopAll("SIGINT"));
  process.on("SIGTERM", () => void stopAll("SIGTERM"));
  const code = await new Promise<number>((resolve) => server.on("exit", (c, signal) => resolve(c ?? 128 + (signal ? osConstants.signals[signal] : 0))));
  // A server that exits on its own takes the workers with it: the launcher's life is the server's.
  await stopAll("SIGTERM");
  await database.stop();
  process.exit(code);
}

const KILL_GRACE_MS = 5_000;

// V8 grows the heap lazily up to a quarter of the machine's memory: capped, it collects sooner
// and the processes stay within their share of a small VM, at no measured cost in throughput.
function heapFlag(mb: number): string[] {
  return mb > 0 ? [`--max-old-space-size=${mb}`] : [];
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, "startup.failed");
  process.exit(1);
});
