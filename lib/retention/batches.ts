import type { ClientBase, QueryConfig } from "pg";
import { advancePass, planPass, type WalkKey } from "@/lib/retention/policy";
import { inBatchTransaction } from "@/lib/retention/transaction";
import { loadWalk, saveWalk, type WalkName } from "@/lib/retention/walk-state";

// How retention works through a backlog without locking anyone out: many small batches, each its
// own short transaction, until the work is done or the task's time is up; the next run goes on
// from there. At least one batch runs per call, so even a tiny budget makes progress.

export interface TaskResult {
  /** Rows changed or deleted. */
  changed: number;
  /** False when the time budget ran out with work left for the next run. */
  caughtUp: boolean;
}

export interface Budget {
  /** Epoch ms after which no further batch starts. */
  deadline: number;
  /** Rows one statement looks at. */
  limit: number;
}

/** One limited statement's result: `more` when it used its whole limit, so another batch may find work. */
export interface Batch {
  changed: number;
  more: boolean;
}

export function batchOf(rowCount: number | null, limit: number): Batch {
  const changed = rowCount ?? 0;
  return { changed, more: changed === limit };
}

/**
 * A bounded statement over rows older than a cutoff (`$1` the cutoff, `$2` the limit): its query,
 * which the EXPLAIN tests plan, and one batch of it.
 */
export function cutoffStatement(name: string, text: string) {
  const sql = (cutoff: Date, limit: number): QueryConfig => ({ name, text, values: [cutoff, limit] });
  const batch = async (db: ClientBase, cutoff: Date, limit: number): Promise<Batch> => batchOf((await db.query(sql(cutoff, limit))).rowCount, limit);
  return { sql, batch };
}

/** Repeats `batch` until it reports nothing left (or the deadline passes). */
export async function drain(budget: Budget, batch: (db: ClientBase) => Promise<Batch>): Promise<TaskResult> {
  let changed = 0;
  for (;;) {
    const result = await inBatchTransaction(batch);
    changed += result.changed;
    if (!result.more) return { changed, caughtUp: true };
    if (Date.now() >= budget.deadline) return { changed, caughtUp: false };
  }
}

export interface WalkWindow {
  /** Rows whose time is in [from, to); null = from the beginning. */
  from: Date | null;
  to: Date;
  /** Visit only rows after this key. */
  after: WalkKey | null;
}

export interface WalkBatchResult {
  /** Rows visited, changed or not: a batch that visits fewer than the limit ends the pass. */
  walked: number;
  last: WalkKey | null;
  changed: number;
}

/**
 * Walks the rows older than `cutoff` in key order, a batch at a time, saving the position with
 * every batch (in its transaction, so the position never gets ahead of the work).
 */
export async function runWalk(
  walk: WalkName,
  cutoff: Date,
  now: Date,
  budget: Budget,
  batch: (db: ClientBase, window: WalkWindow, limit: number) => Promise<WalkBatchResult>,
): Promise<TaskResult> {
  let state = await loadWalk(walk);
  let changed = 0;
  for (;;) {
    const pass = planPass(state, cutoff, now);
    if (pass === null) return { changed, caughtUp: true };
    const done = await inBatchTransaction(async (db) => {
      const result = await batch(db, { from: pass.from, to: pass.to, after: pass.position }, budget.limit);
      const next = advancePass(pass, result, budget.limit);
      await saveWalk(db, walk, next);
      return { changed: result.changed, next };
    });
    changed += done.changed;
    state = done.next;
    if (Date.now() >= budget.deadline) return { changed, caughtUp: planPass(state, cutoff, now) === null };
  }
}
