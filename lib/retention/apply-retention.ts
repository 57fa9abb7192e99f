import { logger } from "@/lib/observability/logger";
import { metrics } from "@/lib/observability/metrics";
import type { ClientBase } from "pg";
import { drain, runWalk, type Batch, type Budget, type TaskResult } from "@/lib/retention/batches";
import { coarsenEventLocationsBatch, deleteTombstonesBatch, purgePayloadsBatch } from "@/lib/retention/event-retention";
import { deleteFinishedRunsBatch, deleteRejectionsBatch, deleteResolvedAlertsBatch, expireQuarantinedBodiesBatch } from "@/lib/retention/housekeeping";
import { coarsenLatestLocationsBatch, coarsenReadingsBatch } from "@/lib/retention/location-retention";
import { cutoffs, type Cutoffs, type RetentionSettings } from "@/lib/retention/policy";
import { loadCursor, saveCursor } from "@/lib/retention/walk-state";

// One retention pass = these tasks in order, each with its own time budget (each is one step of
// the apply-retention cron function, so no single request runs longer than one budget).
// Payloads go before location coarsening, which then skips the bodies just dropped.
export const RETENTION_TASKS = [
  "purge-payloads",
  "delete-tombstones",
  "coarsen-event-locations",
  "coarsen-location-history",
  "coarsen-latest-locations",
  "prune-executor-runs",
  "expire-quarantined-bodies",
  "delete-rejections",
  "delete-resolved-alerts",
] as const;

export type RetentionTask = (typeof RETENTION_TASKS)[number];

const SWITCHED_OFF: TaskResult = { changed: 0, caughtUp: true };

function perform(task: RetentionTask, cut: Cutoffs, now: Date, budget: Budget): Promise<TaskResult> {
  switch (task) {
    case "purge-payloads":
      return cut.payloads ? runWalk("payloads", cut.payloads, now, budget, purgePayloadsBatch) : Promise.resolve(SWITCHED_OFF);
    case "delete-tombstones":
      return drainBefore(cut.tombstones, budget, deleteTombstonesBatch);
    case "coarsen-event-locations":
      return cut.locations ? runWalk("event-locations", cut.locations, now, budget, coarsenEventLocationsBatch) : Promise.resolve(SWITCHED_OFF);
    case "coarsen-location-history":
      return cut.locations ? runWalk("reading-locations", cut.locations, now, budget, coarsenReadingsBatch) : Promise.resolve(SWITCHED_OFF);
    case "coarsen-latest-locations":
      return cut.locations ? sweepLatestLocations(cut.locations, budget) : Promise.resolve(SWITCHED_OFF);
    case "prune-executor-runs":
      return drainBefore(cut.executorRuns, budget, deleteFinishedRunsBatch);
    case "expire-quarantined-bodies":
      return drain(budget, (db) => expireQuarantinedBodiesBatch(db, budget.limit));
    case "delete-rejections":
      return drainBefore(cut.rejections, budget, deleteRejectionsBatch);
    case "delete-resolved-alerts":
      return drainBefore(cut.alerts, budget, deleteResolvedAlertsBatch);
  }
}

// A bounded delete of rows older than `before`, repeated within the budget; no cutoff: switched off.
function drainBefore(before: Date | null, budget: Budget, batch: (db: ClientBase, before: Date, limit: number) => Promise<Batch>): Promise<TaskResult> {
  return before ? drain(budget, (db) => batch(db, before, budget.limit)) : Promise.resolve(SWITCHED_OFF);
}

// One row per vehicle, so no time window: each sweep looks at every vehicle's latest value, and
// the next starts over from the first. The position is saved so a sweep longer than one run's
// budget still reaches the last vehicle.
async function sweepLatestLocations(before: Date, budget: Budget): Promise<TaskResult> {
  let after = await loadCursor("latest-locations");
  return drain(budget, async (db) => {
    const batch = await coarsenLatestLocationsBatch(db, before, after, budget.limit);
    const more = batch.walked === budget.limit;
    after = more ? (batch.lastVehicleId ?? "") : "";
    await saveCursor(db, "latest-locations", after);
    return { changed: batch.changed, more };
  });
}

/** Runs one task for at most the settings' time budget (plus the batch in flight). */
export async function runRetentionTask(task: RetentionTask, settings: RetentionSettings, now = new Date()): Promise<TaskResult> {
  const budget = { deadline: Date.now() + settings.timeBudgetMs, limit: settings.batchSize };
  const result = await perform(task, cutoffs(settings, now), now, budget);
  if (result.changed > 0) metrics().retentionRows.inc({ task }, result.changed);
  return result;
}

export interface RetentionReport {
  /** Rows changed or deleted, by task. */
  changed: Record<string, number>;
  /** False when some task ran out of time with work left for the next run. */
  caughtUp: boolean;
}

export function reportOf(results: (TaskResult & { task: RetentionTask })[]): RetentionReport {
  return {
    changed: Object.fromEntries(results.map((r) => [r.task, r.changed])),
    caughtUp: results.every((r) => r.caughtUp),
  };
}

/** The run's one log line. */
export function logRetention(report: RetentionReport): void {
  logger.info({ ...report.changed, caughtUp: report.caughtUp }, "retention.completed");
}

/** Every task in order, then the log line: the whole pass outside Inngest. */
export async function applyRetention(settings: RetentionSettings, now = new Date()): Promise<RetentionReport> {
  const results: (TaskResult & { task: RetentionTask })[] = [];
  for (const task of RETENTION_TASKS) results.push({ task, ...(await runRetentionTask(task, settings, now)) });
  const report = reportOf(results);
  logRetention(report);
  return report;
}
