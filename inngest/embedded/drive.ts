import type pg from "pg";
import type { ClaimedRun } from "./claim";
import type { FailureHandlers } from "./functions";
import {
  buildRunRequest,
  parseRunResponse,
  retryAfterDelayMs,
  sleepEndsAt,
  toJsonError,
  type JsonError,
  type Op,
  type RunOutcome,
  type StepEntry,
} from "./protocol";
import { failRun, memoiseSteps, requeueRun } from "./transitions";
import type { SdkTransport } from "./transport";

/** pino's (object, message) call shape. */
export interface ExecutorLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface DriveContext {
  pool: pg.Pool;
  transport: SdkTransport;
  /** Marks a run DONE (batched with others finishing at the same time). */
  finish: (runId: string) => Promise<void>;
  handlers: FailureHandlers;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** True once the executor is stopping: hand the run back after the current call. */
  stopping: () => boolean;
  logger: ExecutorLogger;
}

/**
 * Drives one claimed run to its next resting state: calls the serve handler, memoises each step
 * it ran and calls again at once, until the run is done, failed, waiting (retry backoff or
 * sleep) or handed back. One claim per run, however many steps it has.
 */
export async function driveRun(ctx: DriveContext, run: ClaimedRun): Promise<void> {
  let steps = run.steps;
  let attempt = run.attempt;
  let stepId = "step";
  const planned: string[] = [];
  for (;;) {
    const outcome = await call(ctx.transport, run, stepId, steps, attempt);
    if (outcome.kind === "done") {
      await ctx.finish(run.runId);
      return;
    }
    if (outcome.kind === "error") {
      await retryOrFail(ctx, run, { steps, attempt, error: outcome.error, final: outcome.final, retryAfter: outcome.retryAfter });
      return;
    }
    const applied = applyOps(steps, outcome.ops, Date.now());
    steps = applied.steps;
    if (applied.unsupported) {
      const message = `Op "${applied.unsupported}" is not supported by the embedded executor`;
      await retryOrFail(ctx, run, { steps, attempt, error: { name: "Error", message }, final: true, retryAfter: null });
      return;
    }
    if (applied.stepError) {
      await retryOrFail(ctx, run, { steps, attempt, error: applied.stepError, final: false, retryAfter: outcome.retryAfter });
      return;
    }
    // Attempts count per step, as in Inngest: the next step starts from attempt 0.
    attempt = 0;
    if (applied.sleepUntil !== null) {
      await requeueRun(ctx.pool, run.runId, { steps, attempt, delayMs: Math.max(0, applied.sleepUntil - Date.now()), lastError: null });
      return;
    }
    if (applied.memoised && !(await memoiseSteps(ctx.pool, run.runId, steps))) {
      ctx.logger.warn({ runId: run.runId, fnId: run.fnId }, "executor.run.lease_lost");
      return;
    }
    if (ctx.stopping()) {
      await requeueRun(ctx.pool, run.runId, { steps, attempt, delayMs: 0, lastError: null });
      return;
    }
    planned.push(...applied.planned);
    stepId = planned.shift() ?? "step";
  }
}

async function call(transport: SdkTransport, run: ClaimedRun, stepId: string, steps: StepEntry[], attempt: number): Promise<RunOutcome> {
  const request = buildRunRequest({
    runId: run.runId,
    fnId: run.fnId,
    stepId,
    event: run.event,
    steps,
    attempt,
    maxAttempts: run.maxAttempts,
  });
  try {
    return parseRunResponse(await transport(request));
  } catch (error) {
    // The SDK answers errors itself; a throw here is the handler breaking, worth a retry.
    return { kind: "error", final: false, retryAfter: null, error: toJsonError(error, String(error)) };
  }
}

interface Applied {
  steps: StepEntry[];
  memoised: boolean;
  planned: string[];
  sleepUntil: number | null;
  stepError: JsonError | null;
  unsupported: string | null;
}

/** Folds a 206 op list into the run's step state. */
export function applyOps(steps: StepEntry[], ops: Op[], now: number): Applied {
  const applied: Applied = {
    steps: [...steps],
    memoised: false,
    planned: [],
    sleepUntil: null,
    stepError: null,
    unsupported: null,
  };
  const memoise = (entry: StepEntry) => {
    applied.steps.push(entry);
    applied.memoised = true;
  };
  for (const op of ops) {
    switch (op.op) {
      case "StepRun":
        memoise({ id: op.id, type: "data", data: op.data ?? null });
        break;
      // The SDK sends StepFailed once the step's attempts are spent (or it threw
      // NonRetriableError): memoised as an error, the function sees the step throw.
      case "StepFailed":
        memoise({ id: op.id, type: "error", error: toJsonError(op.error, "Step failed") });
        break;
      case "StepError":
        applied.stepError = toJsonError(op.error, "Step failed");
        break;
      case "StepPlanned":
        applied.planned.push(op.id);
        break;
      // A sleep is memoised now and the run waits in the queue; when it is claimed again, the
      // SDK finds the sleep fulfilled and carries on.
      case "Sleep":
        memoise({ id: op.id, type: "data", data: null });
        applied.sleepUntil = Math.max(applied.sleepUntil ?? 0, sleepEndsAt(op.name, now) ?? now);
        break;
      // waitForEvent, invoke, AI/fetch gateways, defer: these need an Inngest server.
      default:
        applied.unsupported = op.op;
    }
  }
  return applied;
}

interface Failure {
  steps: StepEntry[];
  attempt: number;
  error: JsonError;
  final: boolean;
  retryAfter: string | null;
}

async function retryOrFail(ctx: DriveContext, run: ClaimedRun, failure: Failure): Promise<void> {
  const next = failure.attempt + 1;
  const lastError = `${failure.error.name}: ${failure.error.message}`;
  const log = { runId: run.runId, fnId: run.fnId, attempt: failure.attempt, error: lastError };
  if (!failure.final && next < run.maxAttempts) {
    const delayMs = retryAfterDelayMs(failure.retryAfter, Date.now()) ?? backoffMs(failure.attempt, ctx.backoffBaseMs, ctx.backoffMaxMs);
    await requeueRun(ctx.pool, run.runId, { steps: failure.steps, attempt: next, delayMs, lastError });
    ctx.logger.warn({ ...log, retryInMs: delayMs }, "executor.run.retry");
    return;
  }
  await failRun(ctx.pool, run.runId, failure.steps, failure.error, ctx.handlers);
  ctx.logger.warn(log, "executor.run.failed");
}

/** Exponential with jitter: attempt n waits between half and all of base·2ⁿ, capped. */
export function backoffMs(failedAttempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** failedAttempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
