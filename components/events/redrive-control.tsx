"use client";

import { useActionState } from "react";
import type { ActionResult, FormAction } from "@/lib/auth/authorized-action";

/**
 * The re-drive button of one event, rendered for support and admin only (the action re-checks).
 * It stays mounted whatever the status, so its result stays on screen while the page follows the
 * event through the queue; while the event is in flight there is nothing to re-drive yet.
 */
export function RedriveControl({ eventId, status, action }: { eventId: string; status: string; action: FormAction }) {
  const [result, formAction, isPending] = useActionState<ActionResult | null, FormData>(action, null);
  const isInFlight = status === "PENDING" || status === "PROCESSING";
  const isDeadLetter = status === "DEAD_LETTERED";
  return (
    <form action={formAction} className="flex max-w-md flex-col items-end gap-1 text-right">
      <input type="hidden" name="eventId" value={eventId} />
      {/* Re-processing a PROCESSED event is deliberate (API.md §5 force): only this button asks for it. */}
      {status === "PROCESSED" && <input type="hidden" name="force" value="on" />}
      <button
        type="submit"
        disabled={isPending || isInFlight}
        className={`rounded-md px-3 py-1.5 text-sm font-medium text-white focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 disabled:opacity-50 ${
          isDeadLetter || isInFlight ? "bg-sky-700 hover:bg-sky-800 focus-visible:outline-sky-700" : "bg-red-700 hover:bg-red-800 focus-visible:outline-red-700"
        }`}
      >
        {isPending ? "Re-driving…" : isDeadLetter || isInFlight ? "Re-drive" : "Process again"}
      </button>
      {isInFlight && !result && <p className="text-xs text-slate-600">In the queue: nothing to re-drive until it is processed or dead-lettered.</p>}
      {status === "PROCESSED" && !result && <p className="text-xs text-slate-600">Already processed: this applies it again (idempotent).</p>}
      {result && (
        <p role={result.ok ? "status" : "alert"} className={`text-sm ${result.ok ? "text-emerald-800" : "text-red-800"}`}>
          {result.message}
        </p>
      )}
    </form>
  );
}
