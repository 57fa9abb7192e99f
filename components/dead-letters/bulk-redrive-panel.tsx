"use client";

import { useActionState } from "react";
import type { ActionResult, FormAction } from "@/lib/auth/authorized-action";

// "Re-drive everything matching the filter", in two deliberate steps: count first (a dry run),
// then start the job. The filter travels as hidden fields, exactly as the page applied it.

export function BulkRedrivePanel({ filter, countAction, startAction }: { filter: Record<string, string>; countAction: FormAction; startAction: FormAction }) {
  const [counted, count, isCounting] = useActionState<ActionResult | null, FormData>(countAction, null);
  const [started, start, isStarting] = useActionState<ActionResult | null, FormData>(startAction, null);
  const fields = Object.entries(filter).map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />);
  return (
    <div className="space-y-3">
      <form action={count} className="flex flex-wrap items-center gap-3">
        {fields}
        <button
          type="submit"
          disabled={isCounting}
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-700 disabled:opacity-50"
        >
          {isCounting ? "Counting…" : "Count matching dead letters"}
        </button>
        {counted && (
          <p role={counted.ok ? "status" : "alert"} className={`text-sm ${counted.ok ? "text-slate-800" : "text-red-800"}`}>
            {counted.message}
          </p>
        )}
      </form>
      {counted?.ok && (
        <form action={start} className="flex flex-wrap items-center gap-3">
          {fields}
          <button
            type="submit"
            disabled={isStarting}
            className="rounded-md bg-red-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-800 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-700 disabled:opacity-50"
          >
            {isStarting ? "Starting…" : "Re-drive all matching"}
          </button>
          <span className="text-xs text-slate-600">The set is fixed when the job starts; events dead-lettered later are not included.</span>
          {started && !started.ok && (
            <p role="alert" className="basis-full text-sm text-red-800">
              {started.message}
            </p>
          )}
        </form>
      )}
    </div>
  );
}
