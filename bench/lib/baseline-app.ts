// The baselines' Next server (bench/baseline-app): `next start` on its own build, its own port
// and its own database, so it shares nothing with the product but the machine.
import path from "node:path";
import { freePort } from "@/test/helpers/postgres-server";
import { BASELINE_APP_DIR } from "./build";
import { spawnLogged, whenServing, type RunningServer } from "./server-process";

export async function startBaselineApp(options: { databaseUrl: string; token: string; logFile: string; nodeFlags?: string[] }): Promise<RunningServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const nextBin = path.join(process.cwd(), "node_modules", "next", "dist", "bin", "next");
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production" as const,
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: options.databaseUrl,
    SMARTCAR_MANAGEMENT_TOKEN: options.token,
  };
  const args = [...(options.nodeFlags ?? []), nextBin, "start", BASELINE_APP_DIR, "-p", String(port), "-H", "127.0.0.1"];
  const child = spawnLogged(process.execPath, args, env, options.logFile);
  const ready = async () => (await fetch(`${url}/api/bare`, { method: "POST", body: "{}" })).status === 200;
  return whenServing(child, { url, logFile: options.logFile, ready, serverOf: (pid) => pid });
}
