// Starts the product as a user does (`npm start` → scripts/start.ts), on the benchmark's own build
// (NEXT_DIST_DIR) and database, the way test/helpers/app.ts does for the tests.
import path from "node:path";
import { generateAuthSecret, readOrCreateSecret } from "@/lib/runtime/local-secrets";
import { freePort } from "@/test/helpers/postgres-server";
import { descendants, processName, workerPidsUnder } from "./processes";
import { spawnLogged, whenServing, type RunningServer } from "./server-process";

export const BENCH_TOKEN = "bench-management-token";

export type RunningApp = RunningServer;

export interface AppOptions {
  databaseUrl: string;
  distDir: string;
  dataDir: string;
  /** stdout + stderr of the launcher and the server: JSON log lines at the product's default level. */
  logFile: string;
}

function baseEnv(options: AppOptions, port: number): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    PORT: String(port),
    DATA_DIR: options.dataDir,
    DATABASE_URL: options.databaseUrl,
    // The launcher did not start this database, but it is an embedded one: /api/health says so.
    DATABASE_MODE: "embedded",
    SMARTCAR_MANAGEMENT_TOKEN: BENCH_TOKEN,
    NEXT_DIST_DIR: options.distDir,
    NEXT_TELEMETRY_DISABLED: "1",
    // The seeded month would be retention's first catch-up, landing in whichever phase its cron
    // tick falls: the benchmark measures the pipeline and the dashboard, not that backlog.
    RETENTION_PAYLOAD_DAYS: "0",
    RETENTION_LOCATION_DAYS: "0",
    RETENTION_TOMBSTONE_DAYS: "0",
    RETENTION_REJECTION_DAYS: "0",
    RETENTION_ALERT_DAYS: "0",
  };
}

const healthy = (url: string) => async () => (await fetch(`${url}/api/health`)).status === 200;

/** `npm start`: the launcher applies migrations, then runs `next start`. */
export async function startApp(options: AppOptions): Promise<RunningApp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
  const child = spawnLogged(tsx, ["scripts/start.ts"], baseEnv(options, port), options.logFile);
  return whenServing(child, { url, logFile: options.logFile, ready: healthy(url), serverOf: findServerPid, workersOf: workerPidsUnder });
}

/**
 * `next start` under extra Node flags (`--cpu-prof`), which Node refuses in NODE_OPTIONS and so
 * cannot pass through the launcher. Given the environment the launcher gives its server; the
 * database must already be migrated (the launcher did that on the first start).
 */
export async function startServerWithFlags(options: AppOptions, nodeFlags: string[]): Promise<RunningApp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const nextBin = path.join(process.cwd(), "node_modules", "next", "dist", "bin", "next");
  const env = {
    ...baseEnv(options, port),
    AUTH_SECRET: readOrCreateSecret(options.dataDir, "auth-secret", generateAuthSecret),
    AUTH_TRUST_HOST: "true",
  };
  const child = spawnLogged(process.execPath, [...nodeFlags, nextBin, "start", "-p", String(port)], env, options.logFile);
  return whenServing(child, { url, logFile: options.logFile, ready: healthy(url), serverOf: (pid) => pid });
}

// `next start` renames its process "next-server (v…)"; the launcher's tsx/node processes are not it.
function findServerPid(launcherPid: number): number {
  const server = descendants(launcherPid).find((pid) => processName(pid).startsWith("next-server"));
  if (server === undefined) {
    const seen = descendants(launcherPid).map((pid) => `${pid}:${processName(pid)}`).join(", ");
    throw new Error(`no next-server process under the launcher (${seen})`);
  }
  return server;
}
