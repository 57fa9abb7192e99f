import { randomUUID } from "node:crypto";
import type { Inngest, InngestFunction } from "inngest";
import type pg from "pg";
import { claimRuns, type ClaimedRun } from "./claim";
import { driveRun, type DriveContext, type ExecutorLogger } from "./drive";
import { createFailureGate } from "./failure-gate";
import { finishBatcher } from "./finish-batch";
import { buildFunctionTable, concurrencyLimits, failureHandlers, type BuiltTable } from "./functions";
import { reclaimExpiredLeases, reclaimRunsOfDeadOwners, releaseRuns, renewLeases } from "./leases";
import { buildSyncRequest, parseSyncResponse } from "./protocol";
import { Periodic } from "./periodic";
import { registerExecutor } from "./registry";
import { cronJobs, fireDueCrons, syncCronRows } from "./schedule";
import { createInProcessTransport, type SdkTransport } from "./transport";

export type { ExecutorLogger } from "./drive";

export interface EmbeddedExecutorOptions {
  /** The app's Inngest client; it must carry a signing key (cloud mode answers 500 without one). */
  client: Inngest.Like;
  functions: readonly InngestFunction.Like[];
  pool: pg.Pool;
  logger: ExecutorLogger;
  /** Runs driven at once. */
  concurrency?: number;
  /** Claim interval when idle; wakeEmbeddedExecutor() (registry.ts) wakes the executor sooner. */
  pollIntervalMs?: number;
  /** How long a claimed run stays leased without renewal: how soon a dead process's runs resume. */
  leaseMs?: number;
  reclaimIntervalMs?: number;
  /** This process's id as a lease owner; a random one by default. */
  owner?: string;
  /**
   * Lease owners of executor processes known to have died (a worker the launcher saw exit): their
   * runs are taken back at start instead of when their leases expire.
   */
  deadOwners?: readonly string[];
  cronIntervalMs?: number;
  /** First retry waits between half and all of this; each further retry doubles it. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** How long stop() waits for calls in flight before handing their runs back. */
  stopTimeoutMs?: number;
  /** Clock for cron schedules; tests move it instead of waiting for a minute to pass. */
  now?: () => Date;
}

export interface EmbeddedExecutor {
  /** Lets calls in flight finish (at most `timeoutMs`, default stopTimeoutMs), hands back the runs it still holds, stops its timers. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

/** Candidates looked at per run wanted, so runs held back by a busy concurrency key don't stall a claim. */
const SCAN_FACTOR = 4;
const RECLAIM_BATCH = 500;

/**
 * Runs the app's Inngest functions in this process when no Inngest server is configured: syncs
 * the function configs from an in-process serve handler, then claims queued runs from Postgres
 * and drives them through that handler, fires cron ticks and recovers runs of dead processes.
 * Resolves once the configs are synced, so a failed sync fails the start.
 */
export async function startEmbeddedExecutor(options: EmbeddedExecutorOptions): Promise<EmbeddedExecutor> {
  const settings = {
    concurrency: options.concurrency ?? 8,
    pollIntervalMs: options.pollIntervalMs ?? 100,
    leaseMs: options.leaseMs ?? 30_000,
    reclaimIntervalMs: options.reclaimIntervalMs ?? 5_000,
    cronIntervalMs: options.cronIntervalMs ?? 1_000,
    backoffBaseMs: options.backoffBaseMs ?? 10_000,
    backoffMaxMs: options.backoffMaxMs ?? 3_600_000,
    stopTimeoutMs: options.stopTimeoutMs ?? 10_000,
  };
  const { pool, logger } = options;
  const owner = options.owner ?? randomUUID();
  const now = options.now ?? (() => new Date());
  const transport = createInProcessTransport(options.client, options.functions);

  let wakeLoop: () => void = () => undefined;
  const tablePromise = syncFunctions(transport);
  // Published before the sync resolves, so an enqueue racing the start waits instead of failing.
  const published = tablePromise.then((built) => built.table);
  // A failed sync is reported by this function's own rejection, not as an unhandled one.
  published.catch(() => undefined);
  const unregister = registerExecutor(published, () => wakeLoop());

  // Everything that must work before the first claim; a failure fails the start.
  async function prepare(synced: Promise<BuiltTable>) {
    const built = await synced;
    for (const warning of built.warnings) logger.warn({ warning }, "executor.config.unsupported");
    const jobs = cronJobs(built.table, (warning) => logger.warn({ warning }, "executor.cron.unsupported"));
    await syncCronRows(pool, jobs, now());
    const handlers = failureHandlers(built.table);
    await reclaimExpiredLeases(pool, handlers, RECLAIM_BATCH);
    const ofDead = await reclaimRunsOfDeadOwners(pool, handlers, [...(options.deadOwners ?? [])], RECLAIM_BATCH);
    if (ofDead.requeued + ofDead.failed > 0) logger.warn({ ...ofDead, deadOwners: options.deadOwners }, "executor.leases.reclaimed_from_dead_process");
    return { table: built.table, jobs, handlers, limits: concurrencyLimits(built.table) };
  }
  const { table, jobs, handlers, limits } = await prepare(tablePromise).catch((error: unknown) => {
    unregister();
    throw error;
  });
  const jobsById = new Map(jobs.map((j) => [j.fn.id, j]));

  const inflight = new Map<string, Promise<void>>();
  const database = createFailureGate({ logger });
  let stopped = false;
  let claim: Promise<void> | null = null;
  let claimAgain = false;

  const drive: DriveContext = {
    pool,
    transport,
    finish: finishBatcher(pool),
    handlers,
    backoffBaseMs: settings.backoffBaseMs,
    backoffMaxMs: settings.backoffMaxMs,
    stopping: () => stopped,
    logger,
  };

  const start = (run: ClaimedRun) => {
    const driving = driveRun(drive, run)
      .catch((error: unknown) => logger.error({ err: error, runId: run.runId, fnId: run.fnId }, "executor.run.crashed"))
      .finally(() => {
        inflight.delete(run.runId);
        pump();
      });
    inflight.set(run.runId, driving);
  };

  // One claim at a time; a run finishing meanwhile asks for another, which also picks up a run
  // its concurrency key was holding back.
  const pump = (): void => {
    if (stopped || !database.ready()) return;
    if (claim) {
      claimAgain = true;
      return;
    }
    const room = settings.concurrency - inflight.size;
    if (room <= 0) return;
    claimAgain = false;
    claim = claimRuns(pool, { limit: room, scan: room * SCAN_FACTOR, leaseMs: settings.leaseMs, owner, limitedFnIds: limits.fnIds, limits: limits.limits })
      .then(async (runs) => {
        database.succeeded();
        if (stopped) {
          await releaseRuns(pool, runs.map((r) => r.runId));
          return false;
        }
        for (const run of runs) start(run);
        return runs.length === room;
      })
      .catch((error: unknown) => {
        database.failed(error);
        // The poll retries once the gate allows; asking again at once would spin while the database is down.
        claimAgain = false;
        return false;
      })
      .then((full) => {
        claim = null;
        if (full || claimAgain) pump();
      });
  };
  wakeLoop = pump;

  const poller = setInterval(pump, settings.pollIntervalMs);
  poller.unref();
  const periodicTasks = [
    periodic(settings.reclaimIntervalMs, async () => {
      const reclaimed = await reclaimExpiredLeases(pool, handlers, RECLAIM_BATCH);
      if (reclaimed.requeued + reclaimed.failed > 0) {
        logger.warn(reclaimed, "executor.leases.reclaimed");
        pump();
      }
    }),
    periodic(settings.leaseMs / 3, () => renewLeases(pool, [...inflight.keys()], settings.leaseMs)),
    periodic(settings.cronIntervalMs, async () => {
      if ((await fireDueCrons(pool, jobsById, now())) > 0) pump();
    }),
  ];

  // Periodic work shares the gate with the claims: skipped while backing off, and a failure
  // counts as the database being unavailable rather than one error line per tick. Only a claim
  // (always a round trip) reports the database back: a tick with nothing to do touches no table.
  function periodic(intervalMs: number, task: () => Promise<unknown>): Periodic {
    const gated = async () => {
      if (database.ready()) await task();
    };
    return new Periodic(intervalMs, gated, (error) => database.failed(error));
  }

  logger.info(
    { functions: table.functions.map((f) => f.id), crons: jobs.map((j) => j.fn.id), concurrency: settings.concurrency, owner },
    "executor.started",
  );
  pump();

  return {
    stop: async ({ timeoutMs = settings.stopTimeoutMs } = {}) => {
      if (stopped) return;
      stopped = true;
      unregister();
      clearInterval(poller);
      await Promise.all(periodicTasks.map((t) => t.stop()));
      await claim;
      const settled = Promise.allSettled(inflight.values());
      await Promise.race([settled, delay(timeoutMs)]);
      // Runs whose call outlived the wait go back to the queue; a late write of theirs finds the
      // run no longer RUNNING and is dropped.
      await releaseRuns(pool, [...inflight.keys()]);
      logger.info({ handedBack: inflight.size }, "executor.stopped");
    },
  };
}

/**
 * For a process that enqueues runs and leaves running them to executors in other processes (the
 * server, when npm start runs the executor in workers): publishes the function table of an
 * in-process sync, so enqueueRuns() works here, with `wake` telling those executors. Returns the
 * unpublish call.
 */
export async function publishFunctionTable(client: Inngest.Like, functions: readonly InngestFunction.Like[], wake: () => void): Promise<() => void> {
  const table = syncFunctions(createInProcessTransport(client, functions)).then((built) => built.table);
  table.catch(() => undefined);
  const unregister = registerExecutor(table, wake);
  try {
    await table;
  } catch (error) {
    unregister();
    throw error;
  }
  return unregister;
}

async function syncFunctions(transport: SdkTransport) {
  return buildFunctionTable(parseSyncResponse(await transport(buildSyncRequest())));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
