"use server";

import { authorizedAction } from "@/lib/auth/authorized-action";
import { eventFilterSchema } from "@/lib/dal/event-list";
import { createRedriveJob } from "@/lib/redrive/redrive-jobs";

// Step 1 of "re-drive everything matching": a dry run that only counts (API.md §5 dryRun), so
// nobody re-drives ten thousand events by accident. Status is fixed to DEAD_LETTERED.

export const countRedrivableAction = authorizedAction("support", eventFilterSchema.omit({ status: true }), async (filter, user) => {
  const { count } = await createRedriveJob(user, { ...filter, status: "DEAD_LETTERED", dryRun: true });
  if (count === 0) return { ok: false, message: "No dead-lettered event with a kept payload matches this filter." };
  return { ok: true, message: `${count.toLocaleString("en-US")} dead-lettered ${count === 1 ? "event matches" : "events match"} this filter.` };
});
