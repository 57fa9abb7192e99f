import { z } from "zod";

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

const envSchema = z.object({
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
  EXECUTOR_CONCURRENCY: positiveInt(5),
  EXECUTOR_LEASE_MS: positiveInt(30_000),
  EXECUTOR_BACKOFF_BASE_MS: positiveInt(10_000),
  METRICS_TOKEN: optionalString,
  PORT: positiveInt(3000),
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info")),
});

export type Env = z.infer<typeof envSchema>;

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
