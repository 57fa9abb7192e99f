import { z } from "zod";
import { parseCron } from "@/inngest/embedded/cron";

// Every environment variable the product reads, parsed once. README's configuration table
// documents each; names are fixed by API.md §7.
const boolish = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((v) => v === "true" || v === "1");

const positiveInt = (fallback: number) =>
  z.coerce.number().int().positive().optional().default(fallback);

const emptyToUndefined = (v: unknown) => (v === "" ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());

// Retention periods (lib/retention): 0 keeps that data for ever. An empty value means the
// default, never 0, so a blank line in an env file cannot switch retention off.
const retentionPeriod = (fallback: number) => z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).default(fallback));
const retentionEnv = {
  RETENTION_PAYLOAD_DAYS: retentionPeriod(30),
  RETENTION_LOCATION_DAYS: retentionPeriod(7),
  RETENTION_TOMBSTONE_DAYS: retentionPeriod(365),
  RETENTION_REJECTION_DAYS: retentionPeriod(30),
  RETENTION_ALERT_DAYS: retentionPeriod(90),
  EXECUTOR_RUN_RETENTION_HOURS: retentionPeriod(24),
  RETENTION_BATCH_SIZE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(50_000).default(2_000)),
  RETENTION_TIME_BUDGET_SECONDS: positiveInt(10),
};

// Resilience (lib/spool, lib/runtime/shutdown): the local spool that keeps verified deliveries
// on disk while the database is down, and the bound on a graceful stop. SPOOL_ENABLED unset means
// "on, except on Vercel" (no durable disk there): see spoolSettings().
const resilienceEnv = {
  SPOOL_ENABLED: z.preprocess(emptyToUndefined, z.enum(["true", "false", "1", "0"]).optional()),
  SPOOL_DIR: optionalString,
  SPOOL_MAX_BYTES: positiveInt(1024 * 1024 * 1024),
  SHUTDOWN_TIMEOUT_MS: positiveInt(8_000),
};

const envSchema = z.object({
  ...resilienceEnv,
  DATABASE_URL: optionalString,
  DATABASE_MODE: z.preprocess(emptyToUndefined, z.enum(["embedded", "external"]).optional()),
  EMBEDDED_PG_PORT: positiveInt(54329),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default(".data")),
  SMARTCAR_MANAGEMENT_TOKEN: optionalString,
  SMARTCAR_MANAGEMENT_TOKEN_PREVIOUS: optionalString,
  QUEUE_MODE: z.preprocess(emptyToUndefined, z.enum(["auto", "embedded", "inngest"]).default("auto")),
  INNGEST_EVENT_KEY: optionalString,
  INNGEST_SIGNING_KEY: optionalString,
  INNGEST_BASE_URL: optionalString,
  INNGEST_DEV: optionalString,
  VERCEL: optionalString,
  AUTH_SECRET: optionalString,
  APPLY_TEST_EVENTS: boolish,
  WEBHOOK_MAX_BODY_BYTES: positiveInt(65_536),
  QUARANTINE_MAX_BYTES: positiveInt(50 * 1024 * 1024),
  QUARANTINE_HOURS: positiveInt(72),
  ERROR_DEDUP_WINDOW_SECONDS: positiveInt(300),
  DISPATCH_TIMEOUT_MS: positiveInt(5_000),
  SWEEP_UNDISPATCHED_AFTER_SECONDS: positiveInt(30),
  SWEEP_STUCK_AFTER_SECONDS: positiveInt(900),
  // Runs an executor drives at once; unset: 10 in a worker process, 5 in the server, where runs
  // share the receiver's pool of 10 connections (lib/runtime/app-executor.ts).
  EXECUTOR_CONCURRENCY: z.preprocess(emptyToUndefined, z.coerce.number().int().positive().optional()),
  // npm start runs the embedded executor in this many processes of its own (scripts/worker.ts)
  // beside the server, so receiving and processing use both cores; 0 runs it in the server.
  EXECUTOR_WORKERS: z.coerce.number().int().min(0).max(8).optional().default(1),
  // V8's old-space limit npm start gives the server and each worker (--max-old-space-size), in
  // MB; 0 leaves V8's default (a quarter of the machine's memory, grown into lazily: the server
  // then held 550 MB under dashboard load for a live heap far smaller). See README "Performance".
  SERVER_MAX_HEAP_MB: z.coerce.number().int().min(0).optional().default(256),
  WORKER_MAX_HEAP_MB: z.coerce.number().int().min(0).optional().default(128),
  // Set by the launcher for its children, not by users: the part of the app a process runs.
  SMARTCAR_PROCESS_ROLE: z.preprocess(emptyToUndefined, z.enum(["web", "worker"]).optional()),
  // Also the launcher's, for each worker: its id as the owner of the runs it leases, and the id of
  // the worker it replaces when that one died, whose runs it takes back at start.
  SMARTCAR_EXECUTOR_OWNER: optionalString,
  SMARTCAR_DEAD_EXECUTOR_OWNER: optionalString,
  EXECUTOR_LEASE_MS: positiveInt(30_000),
  EXECUTOR_BACKOFF_BASE_MS: positiveInt(10_000),
  ...retentionEnv,
  METRICS_TOKEN: optionalString,
  // Alerts (lib/alerts): the evaluate-alerts cron function's schedule, its webhook and the rules' thresholds.
  ALERT_EVALUATION_CRON: z.preprocess(
    emptyToUndefined,
    z.string().default("* * * * *").refine((v) => isCron(v), "expected a 5-field cron expression in UTC, e.g. \"* * * * *\""),
  ),
  // A secret (a Slack webhook URL is its own credential): never logged, never sent to the browser.
  ALERT_WEBHOOK_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/, error: "expected an http(s) URL" }).optional()),
  ALERT_WEBHOOK_TIMEOUT_MS: positiveInt(5_000),
  ALERT_WINDOW_MINUTES: positiveInt(15),
  ALERT_SIGNATURE_FAILURES: positiveInt(10),
  ALERT_PREVIOUS_TOKEN_WINDOW_MINUTES: positiveInt(60),
  ALERT_PROCESSING_ERROR_RATE: z.coerce.number().gt(0).max(1).optional().default(0.1),
  ALERT_PROCESSING_MIN_ATTEMPTS: positiveInt(20),
  ALERT_BACKLOG_AGE_SECONDS: positiveInt(300),
  ALERT_RECEIVE_P95_MS: positiveInt(5_000),
  ALERT_RECEIVE_MIN_SAMPLES: positiveInt(20),
  ALERT_RECEIVE_WINDOW_MINUTES: positiveInt(60),
  ALERT_DEAD_LETTERS: positiveInt(1),
  ALERT_VEHICLE_ALERTS_MAX: z.coerce.number().int().min(0).optional().default(20),
  ALERT_OUTAGE_GRACE_MINUTES: positiveInt(60),
  PORT: positiveInt(3000),
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info")),
});

export type Env = z.infer<typeof envSchema>;

function isCron(expression: string): boolean {
  try {
    parseCron(expression);
    return true;
  } catch {
    return false;
  }
}

export type QueueMode = "embedded" | "inngest" | "inngest-dev";

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return parsed.data;
}

/**
 * The queue mode the app runs in. `auto` picks real Inngest when keys or a base URL are set,
 * a dev server when INNGEST_DEV points at one, and the embedded executor otherwise.
 */
export function resolveQueueMode(env: Env): QueueMode {
  if (env.INNGEST_DEV && env.VERCEL) throw new Error("INNGEST_DEV is refused on Vercel: it disables Inngest's request signing.");
  if (env.QUEUE_MODE === "embedded") {
    if (env.INNGEST_DEV) throw new Error("INNGEST_DEV cannot be combined with QUEUE_MODE=embedded: the embedded executor signs its own calls.");
    return "embedded";
  }
  if (env.INNGEST_DEV) return "inngest-dev";
  if (env.QUEUE_MODE === "inngest") return "inngest";
  return env.INNGEST_EVENT_KEY || env.INNGEST_SIGNING_KEY || env.INNGEST_BASE_URL ? "inngest" : "embedded";
}

let cached: Env | undefined;

/** The process environment, parsed on first use. */
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}

/** Management tokens in the order they are tried. */
export function managementTokens(e: Env = env()): { slot: "current" | "previous"; token: string }[] {
  const tokens: { slot: "current" | "previous"; token: string }[] = [];
  if (e.SMARTCAR_MANAGEMENT_TOKEN) tokens.push({ slot: "current", token: e.SMARTCAR_MANAGEMENT_TOKEN });
  if (e.SMARTCAR_MANAGEMENT_TOKEN_PREVIOUS) tokens.push({ slot: "previous", token: e.SMARTCAR_MANAGEMENT_TOKEN_PREVIOUS });
  return tokens;
}

export interface SpoolSettings {
  enabled: boolean;
  dir: string;
  maxBytes: number;
}

/** Where and whether verified deliveries are spooled to local disk during a database outage. */
export function spoolSettings(e: Env = env()): SpoolSettings {
  const enabled = e.SPOOL_ENABLED === undefined ? !e.VERCEL : e.SPOOL_ENABLED === "true" || e.SPOOL_ENABLED === "1";
  return { enabled, dir: e.SPOOL_DIR ?? `${e.DATA_DIR.replace(/\/+$/, "")}/spool`, maxBytes: e.SPOOL_MAX_BYTES };
}
