import type pg from "pg";
import { z } from "zod";
import { nextCronTime, parseCron, type CronSchedule } from "./cron";
import { insertRunsSql, runRow, serialiseRows } from "./enqueue";
import type { FunctionSpec, FunctionTable } from "./functions";

// Cron triggers: executor_cron holds when each cron function is next due. Firing a tick moves
// that time forward and queues the tick's run in one statement; the move is a compare-and-set on
// the due time and the run's event_key names the tick, so two processes never run a tick twice.

export interface CronJob {
  fn: FunctionSpec;
  /** All of the function's cron triggers, as stored in executor_cron.cron. */
  expression: string;
  schedules: CronSchedule[];
}

/** The cron functions the executor can schedule; an unreadable expression is reported and skipped. */
export function cronJobs(table: FunctionTable, warn: (message: string) => void): CronJob[] {
  return table.functions.flatMap((fn) => {
    if (fn.crons.length === 0) return [];
    try {
      return [{ fn, expression: fn.crons.join("\n"), schedules: fn.crons.map(parseCron) }];
    } catch (error) {
      warn(`${fn.id}: ${error instanceof Error ? error.message : String(error)}; the function will not be scheduled`);
      return [];
    }
  });
}

function nextDue(job: CronJob, after: Date): Date {
  return new Date(Math.min(...job.schedules.map((s) => nextCronTime(s, after).getTime())));
}

/**
 * Gives every cron function a row (a changed expression starts over from now) and drops rows of
 * functions the app no longer has.
 */
export async function syncCronRows(pool: pg.Pool, jobs: CronJob[], now: Date): Promise<void> {
  await pool.query({
    name: "executor-cron-upsert",
    text: `INSERT INTO executor_cron (fn_id, cron, next_run_at)
           SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])
           ON CONFLICT (fn_id) DO UPDATE SET cron = EXCLUDED.cron, next_run_at = EXCLUDED.next_run_at
           WHERE executor_cron.cron IS DISTINCT FROM EXCLUDED.cron`,
    values: [jobs.map((j) => j.fn.id), jobs.map((j) => j.expression), jobs.map((j) => nextDue(j, now))],
  });
  await pool.query({
    name: "executor-cron-prune",
    text: "DELETE FROM executor_cron WHERE NOT (fn_id = ANY($1::text[]))",
    values: [jobs.map((j) => j.fn.id)],
  });
}

const dueRowSchema = z.object({ fn_id: z.string(), next_run_at: z.date() });

const FIRE_SQL = `
  WITH advanced AS (
    UPDATE executor_cron SET next_run_at = $3 WHERE fn_id = $1 AND next_run_at = $2 RETURNING fn_id
  )
  ${insertRunsSql("$4", "EXISTS (SELECT 1 FROM advanced)")}`;

/**
 * Queues one run per due tick. Ticks missed while no process ran fire once, as the latest missed
 * one, and the schedule resumes from `now`. Returns how many runs were queued.
 */
export async function fireDueCrons(pool: pg.Pool, jobs: ReadonlyMap<string, CronJob>, now: Date): Promise<number> {
  const due = await pool.query({
    name: "executor-cron-due",
    text: "SELECT fn_id, next_run_at FROM executor_cron WHERE next_run_at <= $1",
    values: [now],
  });
  let queued = 0;
  for (const row of due.rows.map((r: unknown) => dueRowSchema.parse(r))) {
    const job = jobs.get(row.fn_id);
    if (!job) continue;
    const dueAt = row.next_run_at;
    const event = {
      id: `${job.fn.id}:cron:${dueAt.toISOString()}`,
      name: "inngest/scheduled.timer",
      data: { cron: job.expression },
      ts: dueAt.getTime(),
    };
    const rows = serialiseRows([runRow(job.fn, event, event.id)]);
    const result = await pool.query({
      name: "executor-cron-fire",
      text: FIRE_SQL,
      values: [job.fn.id, dueAt, nextDue(job, now > dueAt ? now : dueAt), rows],
    });
    queued += result.rowCount ?? 0;
  }
  return queued;
}
