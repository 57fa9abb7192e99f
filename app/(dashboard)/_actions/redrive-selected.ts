"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { resourceIdSchema } from "@/lib/api/params";
import { authorizedAction, type ActionResult } from "@/lib/auth/authorized-action";
import { MAX_PAGE_SIZE } from "@/lib/dal/event-list";
import { createRedriveJobForEvents } from "@/lib/redrive/redrive-jobs";
import { jobPath } from "../_lib/job-path";

// Re-drives the dead letters ticked on one page as ONE bulk job (lib/redrive/redrive-jobs.ts):
// audited once, run in the queue in batches, and followed on the dead-letter page exactly like
// "re-drive everything matching".

const SEPARATOR = "\n";

const inputSchema = z.object({
  eventIds: z
    .string()
    .transform((joined) => [...new Set(joined.split(SEPARATOR).filter(Boolean))])
    .pipe(z.array(resourceIdSchema).min(1, "Select at least one event.").max(MAX_PAGE_SIZE)),
});

/** The selection arrives as repeated `eventId` checkboxes; the shared frame reads one value per key. */
export async function redriveSelectedAction(previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  const joined = new FormData();
  joined.set("eventIds", form.getAll("eventId").filter((v) => typeof v === "string").join(SEPARATOR));
  return authorizedAction("support", inputSchema, async ({ eventIds }, user) => {
    const job = await createRedriveJobForEvents(user, eventIds);
    if (job.jobId === null) return { ok: false, message: "None of the selected events can be re-driven any more: re-driven meanwhile, or purged." };
    redirect(jobPath(form, job.jobId));
  })(previous, joined);
}
