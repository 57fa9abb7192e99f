// The baselines' Next server (bench/baseline-app): `next start` on its own build, its own port
// and its own database, so it shares nothing with the product but the machine.
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import path from "node:path";
import { waitFor } from "@/test/helpers/wait-for";
import { freePort } from "@/test/helpers/postgres-server";
import { BASELINE_APP_DIR } from "./build";

export interface BaselineServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startBaselineApp(options: { databaseUrl: string; token: string; logFile: string }): Promise<BaselineServer> {
  const port = await freePort();
  const log = openSync(options.logFile, "a");
  const nextBin = path.join(process.cwd(), "node_modules", "next", "dist", "bin", "next");
  const child = spawn(process.execPath, [nextBin, "start", BASELINE_APP_DIR, "-p", String(port), "-H", "127.0.0.1"], {
    stdio: ["ignore", log, log],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: options.databaseUrl,
      SMARTCAR_MANAGEMENT_TOKEN: options.token,
    },
  });
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const ready = waitFor(
    async () => {
      const res = await fetch(`${url}/api/bare`, { method: "POST", body: "{}" }).catch(() => null);
      return res?.status === 200 ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 100, what: "the baseline app to answer" },
  );
  ready.catch(() => undefined);
  await Promise.race([ready, exited.then(() => Promise.reject(new Error(`the baseline app exited with ${child.exitCode}; see ${options.logFile}`)))]);
  if (child.pid === undefined) throw new Error("the baseline app has no pid");
  return {
    url,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await exited;
    },
  };
}
