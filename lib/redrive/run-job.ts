import { pool } from "@/lib/db/pool";
import { prisma } from "@/lib/db/prisma";
import { dispatchStoredEvents } from "@/lib/ingest/dispatch";
import { REDRIVE_RESET, redrivable, redriveInngestId } from "@/lib/redrive/reset";

// The steps of a bulk re-drive job, one function each so the Inngest function can make each a
// memoised step. Every step is safe to repeat: a batch only touches events still DEAD_LETTERED.

export const REDRIVE_BATCH_SIZE = 500;

/** QUEUED → RUNNING; the number of events to work through, or null when the job is gone or finished. */
export async function startRedriveJob(jobId: string): Promise<number | null> {
  await prisma().redriveJob.updateMany({ where: { jobId, state: "QUEUED" }, data: { state: "RUNNING" } });
  const job = await prisma().redriveJob.findUnique({ where: { jobId }, select: { state: true, total: true } });
  return job?.state === "RUNNING" ? job.total : null;
}

/**
 * Re-drives the job's events [offset, offset + size): back to PENDING, counted on the job in the
 * same transaction, then handed to the queue (the sweep repeats a failed hand-over). Returns how
 * many were re-driven: events re-driven or purged since the job was created are skipped.
 */
export async function redriveJobBatch(jobId: string, offset: number, size: number): Promise<number> {
  // Postgres slices the stored array, so a batch never loads the job's whole id list.
  const slice = await pool().query<{ ids: string[] | null }>({
    name: "redrive-job-slice",
    text: "SELECT event_ids[$2:$3] AS ids FROM redrive_job WHERE job_id = $1::uuid",
    values: [jobId, offset + 1, offset + size],
  });
  const ids = slice.rows[0]?.ids ?? [];
  if (ids.length === 0) return 0;
  const reset = await prisma().$transaction(async (tx) => {
    const rows = await tx.event.updateManyAndReturn({
      where: { eventId: { in: ids }, ...redrivable(["DEAD_LETTERED"]) },
      data: REDRIVE_RESET,
      select: { eventId: true, vehicleId: true, redrives: true },
    });
    await tx.redriveJob.update({ where: { jobId }, data: { dispatched: { increment: rows.length } } });
    return rows;
  });
  await dispatchStoredEvents(reset.map((e) => ({ eventId: e.eventId, vehicleId: e.vehicleId, inngestId: redriveInngestId(e.eventId, e.redrives) })));
  return reset.length;
}

export async function finishRedriveJob(jobId: string): Promise<void> {
  await prisma().redriveJob.updateMany({ where: { jobId, state: "RUNNING" }, data: { state: "DONE", finishedAt: new Date() } });
}
