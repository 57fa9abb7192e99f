// Starts the product as a user does (`npm start` → scripts/start.ts), on the benchmark's own build
// (NEXT_DIST_DIR) and database, the way test/helpers/app.ts does for the tests.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import path from "node:path";
import { generateAuthSecret, readOrCreateSecret } from "@/lib/runtime/local-secrets";
import { freePort } from "@/test/helpers/postgres-server";
import { waitFor } from "@/test/helpers/wait-for";
import { descendants, processName } from "./processes";

export const BENCH_TOKEN = "bench-management-token";

export interface RunningApp {
  url: string;
  /** The next-server process that answers requests: the one whose memory and CPU count. */
  serverPid: number;
  stop(): Promise<void>;
}

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
  };
}

/** `npm start`: the launcher applies migrations, then runs `next start`. */
export async function startApp(options: AppOptions): Promise<RunningApp> {
  const port = await freePort();
  const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
  const child = spawnLogged(tsx, ["scripts/start.ts"], baseEnv(options, port), options.logFile);
  return running(child, port, options.logFile, (launcherPid) => findServerPid(launcherPid));
}

/**
 * `next start` under extra Node flags (`--cpu-prof`), which Node refuses in NODE_OPTIONS and so
 * cannot pass through the launcher. Given the environment the launcher gives its server; the
 * database must already be migrated (the launcher did that on the first start).
 */
export async function startServerWithFlags(options: AppOptions, nodeFlags: string[]): Promise<RunningApp> {
  const port = await freePort();
  const nextBin = path.join(process.cwd(), "node_modules", "next", "dist", "bin", "next");
  const env = {
    ...baseEnv(options, port),
    AUTH_SECRET: readOrCreateSecret(options.dataDir, "auth-secret", generateAuthSecret),
    AUTH_TRUST_HOST: "true",
  };
  const child = spawnLogged(process.execPath, [...nodeFlags, nextBin, "start", "-p", String(port)], env, options.logFile);
  return running(child, port, options.logFile, (pid) => pid);
}

function spawnLogged(command: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const log = openSync(logFile, "a");
  // Its own process group, so stop() reaches the launcher and the server it spawns.
  const child = spawn(command, args, { cwd: process.cwd(), detached: true, stdio: ["ignore", log, log], env });
  closeSync(log);
  return child;
}

async function running(child: ChildProcess, port: number, logFile: string, serverOf: (pid: number) => number): Promise<RunningApp> {
  const pid = child.pid;
  if (pid === undefined) throw new Error("the app did not start");
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const healthy = waitFor(
    async () => {
      const res = await fetch(`${url}/api/health`).catch(() => null);
      return res?.status === 200 ? true : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 100, what: `the app to answer /api/health (log: ${logFile})` },
  );
  // An app that dies while starting fails the start at once, not at the health check's timeout
  // (the poll then runs out on its own, unheard).
  healthy.catch(() => undefined);
  await Promise.race([healthy, exited.then(() => Promise.reject(new Error(`the app exited with ${child.exitCode}; see ${logFile}`)))]);
  return {
    url,
    serverPid: serverOf(pid),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // SIGTERM to the group: Next shuts down gracefully (and writes a --cpu-prof profile on exit).
      process.kill(-pid, "SIGTERM");
      await exited;
    },
  };
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
