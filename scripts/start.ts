// npm start: everything a fresh machine needs, then `next start`.
// 1. parse the configuration  2. local secrets  3. database (embedded when DATABASE_URL is unset)
// 4. migrations under an advisory lock  5. build when there is none  6. run next start.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { env, managementTokens, resolveQueueMode } from "@/lib/config";
import { applyMigrations } from "@/lib/db/migrate";
import { resolveDatabase } from "@/lib/db/resolve";
import { logger } from "@/lib/observability/logger";
import { generateAuthSecret, readOrCreateSecret } from "@/lib/runtime/local-secrets";
import { ensureInitialAdmin } from "@/lib/auth/initial-admin";

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

  if (!existsSync(path.join(process.cwd(), process.env.NEXT_DIST_DIR || ".next", "BUILD_ID"))) {
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
  };

  const server = spawn(process.execPath, [nextBin, "start", "-p", String(config.PORT)], { stdio: "inherit", env: childEnv });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    server.kill(signal);
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  const code = await new Promise<number>((resolve) => server.on("exit", (c, signal) => resolve(c ?? (signal ? 128 : 1))));
  await database.stop();
  process.exit(stopping ? 0 : code);
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, "startup.failed");
  process.exit(1);
});
