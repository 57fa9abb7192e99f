"use client";

import { useActionState } from "react";
import type { ActionResult, FormAction } from "@/lib/auth/authorized-action";

// The Acknowledge button of one alert. It stays mounted after the alert stops being OPEN, so the
// action's answer is still read out once the page refreshes with the new state (a form that
// disappeared with the button would take its status message along).
export function AcknowledgeForm({ action, alertId, isOpen }: { action: FormAction; alertId: string; isOpen: boolean }) {
  const [result, formAction, pending] = useActionState<ActionResult | null, FormData>(action, null);
  if (!isOpen && !result) return null;
  return (
    <form action={formAction} className="flex max-w-xs flex-wrap items-center gap-2">
      <input type="hidden" name="alertId" value={alertId} />
      {isOpen && (
        <button
          type="submit"
          disabled={pending}
          className="rounded-md bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-700 disabled:opacity-60"
        >
          Acknowledge
        </button>
      )}
      {result && (
        <p role={result.ok ? "status" : "alert"} className={`basis-full text-sm ${result.ok ? "text-emerald-800" : "text-red-800"}`}>
          {result.message}
        </p>
      )}
    </form>
  );
}
