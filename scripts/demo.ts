// npm run demo: the app on embedded defaults (npm start), filled with the last hour of a simulated
// 20-vehicle fleet, so a first look at the dashboard shows cars, charts, errors and rejections.
// Keeps running until Ctrl-C, which stops the app too. `npm run simulate` afterwards uses the same token.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import net from "node:net";
import path from "node:path";
import { parseEnv } from "@/lib/config";
import { readOrCreateSecret } from "@/lib/runtime/local-secrets";
import { runSimulation } from "@/lib/simulator/run";
import { formatSummary } from "@/lib/simulator/tally";

const HOUR_MS = 60 * 60 * 1000;
// A first start may have to build the app, which takes minutes on a small machine.
const STARTUP_TIMEOUT_MS = 10 * 60 * 1000;
// pino levels: until the app is up, warnings matter (the initial admin's password file is
// announced as one); afterwards the simulator's deliberate rejections log warnings by the dozen.
const PINO_WARN = 40;
const PINO_ERROR = 50;

async function main(): Promise<void> {
  const config = parseEnv(process.env);
  const dataDir = path.resolve(config.DATA_DIR);
  // The receiver and the simulator must share the token; a demo keeps its own unless one is configured.
  const token = config.SMARTCAR_MANAGEMENT_TOKEN ?? readOrCreateSecret(dataDir, "demo-token", () => `demo_${randomBytes(24).toString("base64url")}`);
  const url = `http://localhost:${config.PORT}`;
  if (!(await isPortFree(config.PORT))) {
    say(`Port ${config.PORT} is already in use (another app running?). Stop it or choose another: PORT=3100 npm run demo`);
    process.exit(1);
  }

  const logFile = path.join(dataDir, "demo.log");
  say(`Starting the app with npm start — embedded Postgres and queue unless configured (full log: ${logFile})…`);
  let showFromLevel = PINO_WARN;
  const app = startApp({ ...process.env, SMARTCAR_MANAGEMENT_TOKEN: token, PORT: String(config.PORT), DATA_DIR: dataDir }, logFile, () => showFromLevel);
  let stopping = false;
  // Whenever the app ends (Ctrl-C, or a crash), the demo ends with it — also mid-simulation.
  app.once("exit", (code) => {
    if (!stopping) say(`The app stopped (exit code ${code ?? "none"}); see ${logFile}`);
    process.exit(stopping ? 0 : (code ?? 1));
  });
  const stop = () => {
    if (stopping) return;
    stopping = true;
    say("Stopping…");
    killGroup(app, "SIGTERM");
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  if (!(await waitForHealth(url, app))) {
    say(`The app did not answer /api/health within ${STARTUP_TIMEOUT_MS / 60_000} minutes; see ${logFile}`);
    stop();
    return;
  }

  showFromLevel = PINO_ERROR;
  say("Sending the last hour of 20 vehicles' life (readings back-dated, sent at full speed)…");
  try {
    const summary = await runSimulation({
      url: `${url}/api/webhooks/smartcar`,
      token,
      vehicles: 20,
      bound: { spanMs: HOUR_MS },
      ratePerSecond: null,
      concurrency: 8,
      scenarios: ["mixed"],
      seed: "demo",
      runId: randomBytes(4).toString("hex"),
      // Compressed like the readings: Smartcar's 25/50/100 s retries, a hundred times faster.
      retryDelaysMs: [250, 500, 1000],
      maxBodyBytes: config.WEBHOOK_MAX_BODY_BYTES,
    });
    say(formatSummary(summary));
  } catch (error) {
    // The app is fine without demo data: keep it running and say what went wrong.
    say(`Filling the app with simulated traffic failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  say(
    [
      "",
      `Dashboard: ${url}`,
      "Sign in as the first admin: ADMIN_EMAIL (default admin@localhost) with ADMIN_PASSWORD, or the password",
      `generated on first start into ${path.join(dataDir, "initial-admin.txt")} (see the README).`,
      "More traffic: npm run simulate -- --scenario mixed (uses the same token). Ctrl-C stops the app.",
    ].join("\n"),
  );
}

/** npm start in its own process group, so the build, next start and Postgres all stop with it. */
function startApp(env: NodeJS.ProcessEnv, logFile: string, showFromLevel: () => number): ChildProcess {
  const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
  const child = spawn(tsx, ["scripts/start.ts"], { cwd: process.cwd(), env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const log = createWriteStream(logFile, { flags: "a" });
  for (const stream of [child.stdout, child.stderr]) {
    let pending = "";
    stream?.on("data", (chunk: Buffer) => {
      log.write(chunk);
      const lines = (pending + chunk.toString()).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) if (worthShowing(line, showFromLevel())) process.stderr.write(`${line}\n`);
    });
  }
  child.once("exit", () => log.end());
  return child;
}

// Request logs would bury the summary: show log lines from a level up, and anything that is not
// a JSON log line (the build, Next's banner). Everything goes to the log file regardless.
function worthShowing(line: string, minLevel: number): boolean {
  if (line.trim() === "") return false;
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed !== "object" || parsed === null || !("level" in parsed) || Number(parsed.level) >= minLevel;
  } catch {
    return true;
  }
}

async function waitForHealth(url: string, app: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline && app.exitCode === null && app.signalCode === null) {
    const res = await fetch(`${url}/api/health`).catch(() => null);
    if (res?.status === 200) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`demo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
