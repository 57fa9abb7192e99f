"use server";

import { redirect } from "next/navigation";
import { authorizedAction, type ActionResult } from "@/lib/auth/authorized-action";
import { eventFilterSchema } from "@/lib/dal/event-list";
import { createRedriveJob } from "@/lib/redrive/redrive-jobs";
import { jobPath } from "../_lib/job-path";

// Step 2 of "re-drive everything matching": creates the job (its events fixed now, audited) and
// opens the dead-letter page on it, where its progress shows until it is done.

export async function startBulkRedriveAction(previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return authorizedAction("support", eventFilterSchema.omit({ status: true }), async (filter, user) => {
    const job = await createRedriveJob(user, { ...filter, status: "DEAD_LETTERED", dryRun: false });
    if (job.jobId === null || job.count === 0) return { ok: false, message: "Nothing matched any more: no job was started." };
    redirect(jobPath(form, job.jobId));
  })(previous, form);
}
