"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { resourceIdSchema } from "@/lib/api/params";
import { authorizedAction } from "@/lib/auth/authorized-action";
import { redriveEvent } from "@/lib/redrive/redrive-event";

// The event page's "Re-drive" button. authorizedAction re-checks the session and the support
// role on every call — the button being hidden from viewers is a courtesy, not the gate — and
// redriveEvent checks the role again and writes the audit entry with the status change.

const inputSchema = z.object({
  eventId: resourceIdSchema,
  // Re-processing a PROCESSED event is deliberate: the form only sends this from its own checkbox.
  force: z.literal("on").optional(),
});

export const redriveEventAction = authorizedAction("support", inputSchema, async ({ eventId, force }, user) => {
  const result = await redriveEvent(user, eventId, { force: force === "on" });
  refresh();
  return { ok: true, message: `Re-drive #${result.redrives} queued: the event is PENDING again and this page follows it.` };
});
