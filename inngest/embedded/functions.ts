import { z } from "zod";

// The executor learns the app's functions the way an Inngest server does: from the configs the
// serve handler returns on an in-band sync. This module turns those configs into what the
// executor acts on, and says which options it does not honour.

/** Inngest's default when a function sets no `retries`. */
const DEFAULT_RETRIES = 3;
const FAILURE_SUFFIX = "-failure";

const concurrencySchema = z.object({
  limit: z.number().int(),
  key: z.string().optional(),
  scope: z.string().optional(),
});

const functionConfigSchema = z.object({
  id: z.string().min(1),
  triggers: z
    .array(z.object({ event: z.string().optional(), cron: z.string().optional(), expression: z.string().optional() }))
    .default([]),
  steps: z.record(z.string(), z.object({ retries: z.object({ attempts: z.number().int().min(0) }).optional() })).default({}),
  concurrency: z.union([z.number().int(), concurrencySchema, z.array(concurrencySchema)]).optional(),
  batchEvents: z.unknown().optional(),
  rateLimit: z.unknown().optional(),
  throttle: z.unknown().optional(),
  debounce: z.unknown().optional(),
  idempotency: z.unknown().optional(),
  priority: z.unknown().optional(),
  singleton: z.unknown().optional(),
  cancel: z.unknown().optional(),
});

export const syncResponseSchema = z.object({ functions: z.array(functionConfigSchema) });

type FunctionConfig = z.infer<typeof functionConfigSchema>;

const UNSUPPORTED_OPTIONS = ["batchEvents", "rateLimit", "throttle", "debounce", "idempotency", "priority", "singleton", "cancel"] as const;

export interface ConcurrencyRule {
  limit: number;
  /** Path below the event (`["data", "vehicleId"]`); null = one limit for the whole function. */
  keyPath: string[] | null;
}

export interface FunctionSpec {
  /** The id the serve handler knows the function by: `<appId>-<fnId>`. */
  id: string;
  /** Event names that start a run; a trailing `*` matches a prefix. */
  events: string[];
  crons: string[];
  maxAttempts: number;
  concurrency: ConcurrencyRule | null;
  /** The `onFailure` handler's function id, when the function has one. */
  failureFnId: string | null;
}

export interface FunctionTable {
  functions: FunctionSpec[];
  byId: ReadonlyMap<string, FunctionSpec>;
}

export interface BuiltTable {
  table: FunctionTable;
  /** Config the executor cannot honour; the app should log these once. */
  warnings: string[];
}

export function buildFunctionTable(configs: FunctionConfig[]): BuiltTable {
  const warnings: string[] = [];
  const ids = new Set(configs.map((c) => c.id));
  const functions = configs.map((config) => toSpec(config, ids, warnings));
  return { table: { functions, byId: new Map(functions.map((f) => [f.id, f])) }, warnings };
}

function toSpec(config: FunctionConfig, ids: ReadonlySet<string>, warnings: string[]): FunctionSpec {
  const isFailureHandler = config.id.endsWith(FAILURE_SUFFIX) && ids.has(config.id.slice(0, -FAILURE_SUFFIX.length));
  const events: string[] = [];
  const crons: string[] = [];
  for (const trigger of config.triggers) {
    if (trigger.cron) {
      crons.push(trigger.cron);
    } else if (trigger.event && !isFailureHandler) {
      // (An onFailure handler's trigger is skipped: the executor starts it when a run fails.)
      if (!trigger.expression) events.push(trigger.event);
      else warnings.push(`${config.id}: trigger "${trigger.event}" has an \`if\` expression, which the embedded executor does not evaluate; the trigger is ignored`);
    }
  }
  for (const option of UNSUPPORTED_OPTIONS) {
    if (config[option] !== undefined) warnings.push(`${config.id}: option "${option}" is ignored by the embedded executor`);
  }
  const retries = Object.values(config.steps)[0]?.retries?.attempts ?? DEFAULT_RETRIES;
  const failureFnId = `${config.id}${FAILURE_SUFFIX}`;
  return {
    id: config.id,
    events,
    crons,
    maxAttempts: retries + 1,
    concurrency: concurrencyRule(config, warnings),
    failureFnId: ids.has(failureFnId) ? failureFnId : null,
  };
}

function concurrencyRule(config: FunctionConfig, warnings: string[]): ConcurrencyRule | null {
  const raw = config.concurrency;
  if (raw === undefined) return null;
  const rules = typeof raw === "number" ? [{ limit: raw }] : Array.isArray(raw) ? raw : [raw];
  const [rule, ...rest] = rules;
  if (!rule || rule.limit <= 0) return null;
  if (rest.length > 0) warnings.push(`${config.id}: only the first concurrency limit is enforced by the embedded executor`);
  if ("scope" in rule && rule.scope && rule.scope !== "fn") {
    warnings.push(`${config.id}: concurrency scope "${rule.scope}" is enforced per function by the embedded executor`);
  }
  if (!("key" in rule) || !rule.key) return { limit: rule.limit, keyPath: null };
  const path = /^event\.(data(?:\.[A-Za-z_$][\w$]*)+)$/.exec(rule.key.trim());
  if (!path?.[1]) {
    // Erring towards fewer parallel runs keeps the limit's guarantee.
    warnings.push(`${config.id}: concurrency key "${rule.key}" is not of the form event.data.<path>; the limit applies to the whole function`);
    return { limit: rule.limit, keyPath: null };
  }
  return { limit: rule.limit, keyPath: path[1].split(".") };
}

/** The functions an event starts. */
export function functionsFor(table: FunctionTable, eventName: string): FunctionSpec[] {
  return table.functions.filter((fn) =>
    fn.events.some((pattern) => (pattern.endsWith("*") ? eventName.startsWith(pattern.slice(0, -1)) : pattern === eventName)),
  );
}

/**
 * The run's concurrency key: scoped to the function, as Inngest's default `fn` scope is, so two
 * functions keyed on the same vehicle do not hold each other back. Null = no limit for this run.
 */
export function concurrencyKey(fn: FunctionSpec, event: { data: unknown }): string | null {
  const rule = fn.concurrency;
  if (!rule) return null;
  if (!rule.keyPath) return fn.id;
  let value: unknown = event;
  for (const segment of rule.keyPath) {
    value = typeof value === "object" && value !== null && Object.hasOwn(value, segment) ? Reflect.get(value, segment) : undefined;
  }
  if (value === undefined || value === null) return null;
  return `${fn.id}:${typeof value === "string" ? value : JSON.stringify(value)}`;
}

/** Concurrency limits in the array form the claim statement joins against. */
export function concurrencyLimits(table: FunctionTable): { fnIds: string[]; limits: number[] } {
  const limited = table.functions.flatMap((fn) => (fn.concurrency ? [{ id: fn.id, limit: fn.concurrency.limit }] : []));
  return { fnIds: limited.map((l) => l.id), limits: limited.map((l) => l.limit) };
}

/** onFailure handlers in the array form the failure statements join against. */
export function failureHandlers(table: FunctionTable): FailureHandlers {
  const handled = table.functions.flatMap((fn) => {
    const handler = fn.failureFnId ? table.byId.get(fn.failureFnId) : undefined;
    return handler ? [{ fnId: fn.id, handlerId: handler.id, maxAttempts: handler.maxAttempts }] : [];
  });
  return {
    fnIds: handled.map((h) => h.fnId),
    handlerIds: handled.map((h) => h.handlerId),
    maxAttempts: handled.map((h) => h.maxAttempts),
  };
}

export interface FailureHandlers {
  fnIds: string[];
  handlerIds: string[];
  maxAttempts: number[];
}
