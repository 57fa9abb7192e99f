"use server";

import { redirect } from "next/navigation";
import { authorizedAction, type ActionResult } from "@/lib/auth/authorized-action";
import { eventFilterSchema } from "@/lib/dal/event-list";
import { createRedriveJob } from "@/lib/redrive/redrive-jobs";

// Step 2 of "re-drive everything matching": creates the job (its events fixed now, audited) and
// opens the dead-letter page on it, where its progress shows until it is done.

const startJob = (onCreated: (jobId: string) => void) =>
  authorizedAction("support", eventFilterSchema.omit({ status: true }), async (filter, user) => {
    const job = await createRedriveJob(user, { ...filter, status: "DEAD_LETTERED", dryRun: false });
    if (job.jobId === null || job.count === 0) return { ok: false, message: "Nothing matched any more: no job was started." };
    onCreated(job.jobId);
    return { ok: true, message: `Re-drive job started for ${job.count} events.` };
  });

export async function startBulkRedriveAction(previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  let jobId: string | null = null;
  const result = await startJob((id) => (jobId = id))(previous, form);
  // Outside the frame: redirect() throws, and the frame turns anything thrown into an error message.
  if (result.ok && jobId !== null) redirect(jobPath(form, jobId));
  return result;
}

/** The dead-letter page with the same filters and the job to follow. */
function jobPath(form: FormData, jobId: string): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(eventFilterSchema.shape)) {
    const value = form.get(key);
    if (typeof value === "string" && value !== "") params.set(key, value);
  }
  params.set("job", jobId);
  return `/dead-letters?${params}`;
}
