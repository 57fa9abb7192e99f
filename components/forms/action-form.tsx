"use client";

import { useActionState, type ReactNode } from "react";
import type { ActionResult, FormAction } from "@/lib/auth/authorized-action";

// A form bound to a server action (lib/auth/authorized-action.ts): shows its result next to the
// button, and a one-time secret (new password or API token) for the admin to copy.
export function ActionForm({
  action,
  submitLabel,
  children,
  className = "flex flex-wrap items-end gap-2",
  tone = "default",
}: {
  action: FormAction;
  submitLabel: string;
  children?: ReactNode;
  className?: string;
  tone?: "default" | "danger";
}) {
  const [result, formAction, pending] = useActionState<ActionResult | null, FormData>(action, null);
  const buttonColour = tone === "danger" ? "bg-red-700 hover:bg-red-800 focus-visible:outline-red-700" : "bg-sky-700 hover:bg-sky-800 focus-visible:outline-sky-700";
  return (
    <form action={formAction} className={className}>
      {children}
      <button
        type="submit"
        disabled={pending}
        className={`rounded-md px-3 py-1.5 text-sm font-medium text-white focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 disabled:opacity-60 ${buttonColour}`}
      >
        {submitLabel}
      </button>
      {result && (
        <p role={result.ok ? "status" : "alert"} className={`basis-full text-sm ${result.ok ? "text-emerald-800" : "text-red-800"}`}>
          {result.message}
        </p>
      )}
      {result?.ok && result.secret && (
        <div className="basis-full rounded-md border border-amber-300 bg-amber-50 p-3 text-sm">
          <p className="font-medium text-amber-900">Copy it now: it will not be shown again.</p>
          <code data-testid="one-time-secret" className="mt-1 block break-all font-mono text-slate-900">
            {result.secret}
          </code>
        </div>
      )}
    </form>
  );
}
