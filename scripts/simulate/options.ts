// `npm run simulate -- …` arguments → SimulationOptions. Pure (argv and env in, options or an
// error out) so every rule is unit-tested without spawning the CLI.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { parseEnv } from "@/lib/config";
import type { TrafficBound } from "@/lib/simulator/plan";
import type { SimulationOptions } from "@/lib/simulator/run";
import { isScenarioName, SCENARIOS, type ScenarioName } from "@/lib/simulator/scenarios";

export const USAGE = `Usage: npm run simulate -- [options]

Sends signed, realistic Smartcar webhook traffic to a receiver and checks every answer.

  --url <url>              receiver (default http://127.0.0.1:$PORT/api/webhooks/smartcar, PORT=3000)
  --vehicles <n>           fleet size (default 10)
  --count <n>              messages to send (default 200)
  --duration <time>        send for this long at --rate, e.g. 30s, 5m (instead of --count)
  --span <time>            replay this much fleet life ending now, e.g. 1h (instead of --count)
  --rate <n>               new messages per second (default: as fast as --concurrency allows)
  --concurrency <n>        deliveries in flight at once (default 8)
  --scenario <names>       ${Object.keys(SCENARIOS).join(" | ")}; comma-separated to combine (default mixed)
  --seed <text>            fleet and traffic seed (default 1)
  --run-id <text>          new run id = new events; same seed + run id = same events (default random)
  --retry-delays <s,s,s>   Smartcar's retry waits in seconds (default 25,50,100)
  --json                   print the summary as JSON on stdout
  --report <file>          write the summary and every acknowledged event (eventId, type, vehicle,
                           mode) as JSON, to check later that each one was processed
  --progress               live progress on stderr even when it is not a terminal
  --help

The management token comes from SMARTCAR_MANAGEMENT_TOKEN, else <DATA_DIR>/demo-token (written by
npm run demo). Oversize bodies are built to exceed WEBHOOK_MAX_BODY_BYTES (default 65536).
Exit code: 0 when every answer was the expected one, 1 when some were not, 2 on bad usage.`;

export interface CliOptions {
  simulation: Omit<SimulationOptions, "onProgress" | "onAcknowledged">;
  json: boolean;
  progress: boolean;
  /** Where --report writes the acknowledged events; null without it. */
  reportPath: string | null;
}

export type ParsedCli = { kind: "run"; options: CliOptions } | { kind: "help" } | { kind: "error"; message: string };

export function parseCli(argv: readonly string[], env: Record<string, string | undefined>): ParsedCli {
  try {
    return parse(argv, env);
  } catch (error) {
    return { kind: "error", message: error instanceof Error ? error.message : String(error) };
  }
}

function parse(argv: readonly string[], env: Record<string, string | undefined>): ParsedCli {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      url: { type: "string" },
      vehicles: { type: "string" },
      count: { type: "string" },
      duration: { type: "string" },
      span: { type: "string" },
      rate: { type: "string" },
      concurrency: { type: "string" },
      scenario: { type: "string" },
      seed: { type: "string" },
      "run-id": { type: "string" },
      "retry-delays": { type: "string" },
      json: { type: "boolean" },
      report: { type: "string" },
      progress: { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) return { kind: "help" };
  const config = parseEnv(env);
  const bounds = [values.count, values.duration, values.span].filter((v) => v !== undefined);
  if (bounds.length > 1) throw new Error("use one of --count, --duration and --span");
  const ratePerSecond = values.rate === undefined ? null : positiveNumber("--rate", values.rate);
  if (values.duration !== undefined && ratePerSecond === null) throw new Error("--duration needs --rate (how many messages per second), or use --count");
  return {
    kind: "run",
    options: {
      simulation: {
        url: values.url ?? `http://127.0.0.1:${config.PORT}/api/webhooks/smartcar`,
        token: managementToken(config.SMARTCAR_MANAGEMENT_TOKEN, config.DATA_DIR),
        vehicles: positiveInteger("--vehicles", values.vehicles ?? "10"),
        bound: bound(values),
        ratePerSecond,
        concurrency: positiveInteger("--concurrency", values.concurrency ?? "8"),
        scenarios: scenarios(values.scenario ?? "mixed"),
        seed: values.seed ?? "1",
        runId: values["run-id"] ?? randomBytes(4).toString("hex"),
        retryDelaysMs: retryDelays(values["retry-delays"] ?? "25,50,100"),
        maxBodyBytes: config.WEBHOOK_MAX_BODY_BYTES,
      },
      json: values.json ?? false,
      progress: values.progress ?? false,
      reportPath: values.report === undefined ? null : reportPath(values.report),
    },
  };
}

function bound(values: { count?: string; duration?: string; span?: string }): TrafficBound | { durationMs: number } {
  if (values.duration !== undefined) return { durationMs: durationMs("--duration", values.duration) };
  if (values.span !== undefined) return { spanMs: durationMs("--span", values.span) };
  return { count: positiveInteger("--count", values.count ?? "200") };
}

function reportPath(file: string): string {
  if (file.trim() === "") throw new Error("--report wants a file name");
  return path.resolve(file);
}

function managementToken(fromEnv: string | undefined, dataDir: string): string {
  if (fromEnv) return fromEnv;
  const file = path.join(dataDir, "demo-token");
  const fromDemo = existsSync(file) ? readFileSync(file, "utf8").trim() : "";
  if (fromDemo) return fromDemo;
  throw new Error(`no management token: set SMARTCAR_MANAGEMENT_TOKEN to the receiver's, or run npm run demo (it writes ${file})`);
}

function scenarios(list: string): ScenarioName[] {
  const names = list.split(",").map((name) => name.trim());
  const unknown = names.filter((name) => !isScenarioName(name));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(", ")}; known: ${Object.keys(SCENARIOS).join(", ")}`);
  return names.filter(isScenarioName);
}

function retryDelays(list: string): number[] {
  const delays = list.split(",").map((item) => Number(item.trim()));
  if (delays.length === 0 || delays.some((d) => !Number.isFinite(d) || d < 0)) throw new Error(`--retry-delays wants seconds like 25,50,100, got "${list}"`);
  return delays.map((seconds) => Math.round(seconds * 1000));
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "90" (seconds), "250ms", "30s", "5m", "1.5h". */
export function durationMs(flag: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const amount = match ? Number(match[1]) * (UNITS[match[2] ?? "s"] ?? 1000) : Number.NaN;
  if (!(amount > 0)) throw new Error(`${flag} wants a time like 30s, 5m or 1h, got "${text}"`);
  return amount;
}

function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${flag} wants a positive whole number, got "${text}"`);
  return value;
}

function positiveNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value)) throw new Error(`${flag} wants a positive number, got "${text}"`);
  return value;
}
