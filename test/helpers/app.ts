import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./postgres-server";
import { waitFor } from "./wait-for";

export const TEST_TOKEN = "test-management-token-current";
export const TEST_PREVIOUS_TOKEN = "test-management-token-previous";

export interface RunningApp {
  url: string;
  /** The launcher's pid (scripts/start.ts under tsx); the server and the executor workers run below it. */
  pid: number;
  port: number;
  dataDir: string;
  /** Everything the app printed (stdout + stderr), for assertions on logs. */
  output(): string;
  /** Graceful stop (SIGTERM to the whole process group). */
  stop(): Promise<void>;
  /** SIGKILL to the whole process group: launcher and Next server die without cleanup. */
  kill(): Promise<void>;
  /** SIGTERM to the launcher alone, as a supervisor would send it; resolves with its exit code. */
  terminate(): Promise<number | null>;
}

export interface AppOptions {
  databaseUrl: string;
  env?: Record<string, string | undefined>;
  dataDir?: string;
  port?: number;
}

/** Starts the product exactly as a user does (`npm start` → scripts/start.ts) on a free port. */
export async function startApp(options: AppOptions): Promise<RunningApp> {
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), "smartcar-app-"));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    PORT: String(port),
    DATA_DIR: dataDir,
    DATABASE_URL: options.databaseUrl,
    SMARTCAR_MANAGEMENT_TOKEN: TEST_TOKEN,
    SMARTCAR_MANAGEMENT_TOKEN_PREVIOUS: TEST_PREVIOUS_TOKEN,
    EXECUTOR_BACKOFF_BASE_MS: "20",
    LOG_LEVEL: "info",
    NEXT_DIST_DIR: process.env.NEXT_DIST_DIR,
  };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
  const child = spawn(tsx, ["scripts/start.ts"], { cwd: process.cwd(), env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exitCode = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const exited = exitCode.then(() => undefined);

  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}:\n${output}`);
        const res = await fetch(`${url}/api/health`).catch(() => null);
        if (res?.status !== 200) return undefined;
        // With the embedded queue the executor (in its worker process by default) starts beside
        // the server: ready once it has, so a test never races its start.
        const health = (await res.json()) as { queue?: { mode?: string } };
        return health.queue?.mode !== "embedded" || output.includes('"msg":"executor.started"') ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: "the app to answer /api/health and its executor to start" },
    );
  } catch (error) {
    killGroup(child, "SIGKILL");
    throw new Error(`${String(error)}\n--- app output ---\n${output}`);
  }

  return {
    url,
    pid: child.pid as number,
    port,
    dataDir,
    output: () => output,
    stop: async () => {
      killGroup(child, "SIGTERM");
      await exited;
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    kill: async () => {
      killGroup(child, "SIGKILL");
      await exited;
    },
    terminate: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exitCode;
    },
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}
