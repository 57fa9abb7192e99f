import { z } from "zod";
import { inngest } from "@/inngest/client";
import { enqueueRuns } from "@/inngest/embedded/enqueue";
import { SMARTCAR_REDRIVE_REQUESTED, type SmartcarRedriveRequestedData } from "@/inngest/events";
import { actorFromPrincipal, recordAudit } from "@/lib/audit";
import type { Principal } from "@/lib/auth/require-role";
import { env, resolveQueueMode } from "@/lib/config";
import { pool } from "@/lib/db/pool";
import { prisma } from "@/lib/db/prisma";
import { assertRole, type Viewer } from "@/lib/dal/authorize";
import { eventFilterConditions, eventFilterSchema, type EventFilter } from "@/lib/dal/event-list";
import { sqlParams } from "@/lib/dal/sql-params";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/observability/logger";
import { redrivable } from "@/lib/redrive/reset";

// Bulk re-drive (API.md §5 POST /redrive, GET /redrive/{jobId}): the event-list filters pick
// DEAD_LETTERED events, their ids are fixed in a redrive_job row at creation, and the
// `redrive-events` Inngest function (inngest/functions/redrive-events.ts) re-drives them in
// batches — a function rather than work in the request, so it also runs on Vercel.

/** The selection is stored in one row: past this, narrow the filter (e.g. by from/to). */
export const MAX_JOB_EVENTS = 50_000;

export const bulkRedriveSchema = eventFilterSchema.extend({
  status: z.literal("DEAD_LETTERED", { error: 'status: only "DEAD_LETTERED" events can be re-driven in bulk' }).default("DEAD_LETTERED"),
  dryRun: z.boolean().default(false),
});

export type BulkRedriveRequest = z.output<typeof bulkRedriveSchema>;

export interface CreatedRedriveJob {
  /** Null for a dry run. */
  jobId: string | null;
  /** Matching events that can be re-driven (payload still kept). */
  count: number;
}

export type RedriveJobState = "QUEUED" | "RUNNING" | "DONE" | "FAILED";

export interface RedriveJobStatus {
  jobId: string;
  state: RedriveJobState;
  total: number;
  /** Events set back to PENDING and handed to the queue so far. */
  dispatched: number;
  /** Of the job's events: processed since the job was created. */
  processed: number;
  /** Of the job's events: dead-lettered again since the job was created. */
  deadLettered: number;
}

export async function createRedriveJob(principal: Principal, request: BulkRedriveRequest): Promise<CreatedRedriveJob> {
  assertRole(principal, "support");
  const { dryRun, ...filter } = request;
  if (dryRun) return { jobId: null, count: await countMatching(filter) };

  const eventIds = await selectMatching(filter, MAX_JOB_EVENTS + 1);
  if (eventIds.length > MAX_JOB_EVENTS) {
    throw new AppError("INVALID_BODY", `More than ${MAX_JOB_EVENTS} events match; one job takes at most ${MAX_JOB_EVENTS}: narrow the filter (e.g. from/to).`);
  }
  return startJob(principal, eventIds, filterJson(filter));
}

/**
 * A bulk re-drive of events picked one by one (the dead-letter page's ticked rows): one job like
 * a filter's, so it is audited once, runs in the queue and shows its progress the same way.
 * Picked events no longer DEAD_LETTERED (re-driven meanwhile) or purged are left out.
 */
export async function createRedriveJobForEvents(principal: Principal, picked: readonly string[]): Promise<CreatedRedriveJob> {
  assertRole(principal, "support");
  if (picked.length > MAX_JOB_EVENTS) throw new AppError("INVALID_BODY", `One job takes at most ${MAX_JOB_EVENTS} events.`);
  const rows = await prisma().event.findMany({
    where: { eventId: { in: [...picked] }, ...redrivable(["DEAD_LETTERED"]) },
    select: { eventId: true },
    orderBy: [{ receivedAt: "asc" }, { eventId: "asc" }],
  });
  if (rows.length === 0) return { jobId: null, count: 0 };
  return startJob(principal, rows.map((r) => r.eventId), { selection: `${picked.length} picked` });
}

async function startJob(principal: Principal, eventIds: string[], filter: Record<string, string>): Promise<CreatedRedriveJob> {
  const job = await prisma().$transaction(async (tx) => {
    const created = await tx.redriveJob.create({
      data: { createdBy: actorFromPrincipal(principal).name, filter, eventIds, total: eventIds.length },
      select: { jobId: true },
    });
    await recordAudit(
      {
        actor: actorFromPrincipal(principal),
        action: "event.redrive_bulk",
        targetType: "redrive_job",
        targetId: created.jobId,
        details: { count: eventIds.length, filter },
      },
      tx,
    );
    return created;
  });
  try {
    await requestJobRun(job.jobId);
  } catch (err) {
    logger.error({ err, jobId: job.jobId }, "redrive.job_not_queued");
    await failRedriveJob(job.jobId, "The job could not be handed to the queue.");
    throw new AppError("QUEUE_UNAVAILABLE", "The queue did not accept the job; nothing was re-driven. Try again.", { cause: err });
  }
  return { jobId: job.jobId, count: eventIds.length };
}

/** A job's progress, counted live from its events; null for an unknown job. */
export async function getRedriveJob(viewer: Viewer, jobId: string): Promise<RedriveJobStatus | null> {
  assertRole(viewer, "support");
  // Not a uuid names no job (and would make Postgres' ::uuid cast throw).
  if (!z.uuid().safeParse(jobId).success) return null;
  const { rows } = await pool().query<{ state: string; total: number; dispatched: number; processed: number; dead_lettered: number }>({
    name: "redrive-job-status",
    text: `
SELECT j.state, j.total, j.dispatched,
  count(e.event_id) FILTER (WHERE e.status = 'PROCESSED' AND e.processed_at >= j.created_at)::int AS processed,
  count(e.event_id) FILTER (WHERE e.status = 'DEAD_LETTERED' AND e.error_at >= j.created_at)::int AS dead_lettered
FROM redrive_job j
LEFT JOIN event e ON e.event_id = ANY(j.event_ids)
WHERE j.job_id = $1::uuid
GROUP BY j.job_id`,
    values: [jobId],
  });
  const row = rows[0];
  if (!row) return null;
  return { jobId, state: parseState(row.state), total: row.total, dispatched: row.dispatched, processed: row.processed, deadLettered: row.dead_lettered };
}

export async function failRedriveJob(jobId: string, error: string): Promise<void> {
  await prisma().redriveJob.updateMany({
    where: { jobId, state: { in: ["QUEUED", "RUNNING"] } },
    data: { state: "FAILED", error: error.slice(0, 4000), finishedAt: new Date() },
  });
}

/**
 * The selection of a bulk re-drive (exported for the EXPLAIN test). Only events whose payload is
 * still kept can be re-driven; purged ones are not counted.
 */
export function redriveMatchSql(filter: EventFilter, select: string, limit?: number): { text: string; values: unknown[] } {
  const p = sqlParams();
  const conditions = [...eventFilterConditions(filter, p), "e.raw_body IS NOT NULL"];
  const order = limit === undefined ? "" : `ORDER BY e.received_at, e.event_id LIMIT ${p.add(limit)}`;
  return { text: `SELECT ${select} FROM event e WHERE ${conditions.join(" AND ")} ${order}`, values: p.values };
}

async function countMatching(filter: EventFilter): Promise<number> {
  const { rows } = await pool().query<{ n: number }>(redriveMatchSql(filter, "count(*)::int AS n"));
  return rows[0]?.n ?? 0;
}

async function selectMatching(filter: EventFilter, limit: number): Promise<string[]> {
  const { rows } = await pool().query<{ event_id: string }>(redriveMatchSql(filter, "e.event_id", limit));
  return rows.map((r) => r.event_id);
}

function filterJson(filter: EventFilter): Record<string, string> {
  const json: Record<string, string> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (value instanceof Date) json[key] = value.toISOString();
    else if (typeof value === "string") json[key] = value;
  }
  return json;
}

function parseState(state: string): RedriveJobState {
  return state === "QUEUED" || state === "RUNNING" || state === "DONE" ? state : "FAILED";
}

// Same transport switch as lib/ingest/dispatch.ts: identical events and ids in every queue mode.
async function requestJobRun(jobId: string): Promise<void> {
  const data: SmartcarRedriveRequestedData = { jobId };
  const event = { id: `redrive-job:${jobId}`, name: SMARTCAR_REDRIVE_REQUESTED, data };
  if (resolveQueueMode(env()) === "embedded") await enqueueRuns(pool(), [event]);
  else await inngest.send(event);
}
