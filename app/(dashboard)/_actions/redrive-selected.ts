"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { resourceIdSchema } from "@/lib/api/params";
import { authorizedAction, type ActionResult } from "@/lib/auth/authorized-action";
import { MAX_PAGE_SIZE } from "@/lib/dal/event-list";
import { AppError } from "@/lib/errors";
import { redriveEvent } from "@/lib/redrive/redrive-event";

// Re-drives the dead letters ticked on one page. Each goes through redriveEvent, so each is
// checked, audited and dispatched exactly as a single re-drive; one that cannot be re-driven
// (re-driven meanwhile by someone else, payload purged) does not stop the others.

const SEPARATOR = "\n";

const inputSchema = z.object({
  eventIds: z
    .string()
    .transform((joined) => [...new Set(joined.split(SEPARATOR).filter(Boolean))])
    .pipe(z.array(resourceIdSchema).min(1, "Select at least one event.").max(MAX_PAGE_SIZE)),
});

const redriveEach = authorizedAction("support", inputSchema, async ({ eventIds }, user) => {
  const refused: string[] = [];
  for (const eventId of eventIds) {
    try {
      await redriveEvent(user, eventId);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      refused.push(`${eventId.slice(0, 8)}…: ${err.message}`);
    }
  }
  refresh();
  const done = eventIds.length - refused.length;
  const summary = `${done} of ${eventIds.length} re-driven: they are back in the queue.`;
  return refused.length === 0 ? { ok: true, message: summary } : { ok: done > 0, message: `${summary} Not re-driven — ${refused.join("; ")}` };
});

/** The selection arrives as repeated `eventId` checkboxes; the shared frame reads one value per key. */
export async function redriveSelectedAction(previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  const joined = new FormData();
  joined.set("eventIds", form.getAll("eventId").filter((v) => typeof v === "string").join(SEPARATOR));
  return redriveEach(previous, joined);
}
