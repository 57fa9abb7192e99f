import { z } from "zod";
import { syncResponseSchema } from "./functions";
import { EMBEDDED_SERVE_URL, type SdkRequest, type SdkResponse } from "./transport";

// Inngest's serve protocol as the v4 SDK speaks it (components/InngestCommHandler and
// execution/engine in node_modules/inngest): what the executor sends, and what the answers mean.

/** One memoised step, in completion order (that order is the `ctx.stack` the SDK replays). */
export type StepEntry = { id: string; type: "data"; data: unknown } | { id: string; type: "error"; error: unknown };

const stepEntrySchema = z.discriminatedUnion("type", [
  z.object({ id: z.string(), type: z.literal("data"), data: z.unknown() }),
  z.object({ id: z.string(), type: z.literal("error"), error: z.unknown() }),
]);

/** `executor_run.steps`: an array of entries, or the column default `{}` for a run not yet started. */
export const storedStepsSchema = z.union([
  z.array(stepEntrySchema),
  z
    .object({})
    .strict()
    .transform((): StepEntry[] => []),
]);

export interface JsonError {
  name: string;
  message: string;
  stack?: string;
}

const jsonErrorSchema = z
  .object({ name: z.string().optional(), message: z.string().optional(), error: z.string().optional(), stack: z.string().optional() })
  .transform(
    (e): JsonError => ({
      name: e.name ?? "Error",
      // "step not found" answers carry `error` instead of `message`.
      message: e.message ?? e.error ?? "Unknown error",
      ...(e.stack ? { stack: e.stack } : {}),
    }),
  );

export function toJsonError(value: unknown, fallback: string): JsonError {
  const parsed = jsonErrorSchema.safeParse(value);
  return parsed.success ? parsed.data : { name: "Error", message: fallback };
}

export interface RunCall {
  runId: string;
  /** `<appId>-<fnId>`, or `<appId>-<fnId>-failure` for an onFailure handler. */
  fnId: string;
  /** "step" to run the function onwards; a hashed step id to run one planned step. */
  stepId: string;
  event: Record<string, unknown>;
  steps: StepEntry[];
  /** 0-based; the SDK treats attempt `maxAttempts - 1` as the last and stops asking for retries. */
  attempt: number;
  maxAttempts: number;
}

export function buildSyncRequest(): SdkRequest {
  return {
    method: "PUT",
    query: {},
    headers: { "content-type": "application/json", "x-inngest-sync-kind": "in_band" },
    body: JSON.stringify({ url: EMBEDDED_SERVE_URL }),
  };
}

export function parseSyncResponse(response: SdkResponse): z.infer<typeof syncResponseSchema>["functions"] {
  if (response.status !== 200) throw new Error(`In-band sync answered ${response.status}: ${response.body.slice(0, 500)}`);
  return syncResponseSchema.parse(JSON.parse(response.body)).functions;
}

export function buildRunRequest(call: RunCall): SdkRequest {
  const steps = Object.fromEntries(
    call.steps.map((s) => [s.id, s.type === "data" ? { type: "data", data: s.data } : { type: "error", error: s.error }]),
  );
  const stack = call.steps.map((s) => s.id);
  return {
    method: "POST",
    query: { fnId: call.fnId, stepId: call.stepId },
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      event: call.event,
      events: [call.event],
      steps,
      // No `fn_id`: with it the SDK would checkpoint to the Inngest API, which does not exist here.
      ctx: {
        run_id: call.runId,
        attempt: call.attempt,
        max_attempts: call.maxAttempts,
        stack: { stack, current: Math.max(0, stack.length - 1) },
        use_api: false,
        disable_immediate_execution: false,
      },
    }),
  };
}

const opSchema = z.object({
  id: z.string(),
  op: z.string(),
  name: z.string().optional(),
  data: z.unknown().optional(),
  error: z.unknown().optional(),
});

export type Op = z.infer<typeof opSchema>;

export type RunOutcome =
  /** 200: the function returned. */
  | { kind: "done" }
  /** 206: steps ran or were found. */
  | { kind: "ops"; ops: Op[]; retryAfter: string | null }
  /** 4xx/5xx: the function threw; `final` when the SDK or status says not to retry. */
  | { kind: "error"; final: boolean; retryAfter: string | null; error: JsonError };

export function parseRunResponse(response: SdkResponse): RunOutcome {
  const retryAfter = response.headers["retry-after"] ?? null;
  if (response.status === 200) return { kind: "done" };
  const body = parseJson(response.body);
  if (response.status === 206) {
    // An empty list would have the executor call again with nothing changed, forever.
    const ops = z.array(opSchema).min(1).safeParse(body);
    if (ops.success) return { kind: "ops", ops: ops.data, retryAfter };
    return {
      kind: "error",
      final: false,
      retryAfter: null,
      error: { name: "Error", message: `Serve handler answered 206 without a readable op: ${response.body.slice(0, 500)}` },
    };
  }
  return {
    kind: "error",
    final: response.status === 400 || response.headers["x-inngest-no-retry"] === "true",
    retryAfter,
    error: toJsonError(body, `Serve handler answered ${response.status}: ${response.body.slice(0, 500)}`),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A `Retry-After` from RetryAfterError: whole seconds, or an ISO date. */
export function retryAfterDelayMs(value: string | null, now: number): number | null {
  if (value === null) return null;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

const DURATION_UNITS_MS: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 };

/** When a Sleep op ends: its `name` is an ISO date (sleepUntil) or a "1d2h3m4s" duration (sleep). */
export function sleepEndsAt(name: string | undefined, now: number): number | null {
  if (!name) return null;
  const duration = /^(?:\d+[wdhms])+$/.test(name) ? name.match(/\d+[wdhms]/g) : null;
  if (duration) {
    return now + duration.reduce((sum, part) => sum + Number(part.slice(0, -1)) * (DURATION_UNITS_MS[part.slice(-1)] ?? 0), 0);
  }
  const at = Date.parse(name);
  return Number.isNaN(at) ? null : at;
}
