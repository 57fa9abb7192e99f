"use client";

import { useActionState, useEffect, useState } from "react";
import type { ActionResult, FormAction } from "@/lib/auth/authorized-action";

// The form the table's checkboxes belong to (they name it in their `form` attribute). It counts
// the ticked boxes for its label and can tick every box on the page. The page's filters travel
// as hidden fields, so the job page it leads to keeps them.

function boxes(formId: string): HTMLInputElement[] {
  return [...document.querySelectorAll<HTMLInputElement>(`input[type="checkbox"][name="eventId"][form="${CSS.escape(formId)}"]`)];
}

export function SelectionForm({ formId, action, filter }: { formId: string; action: FormAction; filter: Record<string, string> }) {
  const [result, formAction, isPending] = useActionState<ActionResult | null, FormData>(action, null);
  const [selected, setSelected] = useState(0);
  const [total, setTotal] = useState(0);

  useEffect(() => {
    const count = () => {
      const all = boxes(formId);
      setTotal(all.length);
      setSelected(all.filter((b) => b.checked).length);
    };
    count();
    // The boxes live in the table, not inside this form: their change events reach the document.
    document.addEventListener("change", count);
    return () => document.removeEventListener("change", count);
  }, [formId, result]);

  function selectAll(checked: boolean) {
    for (const box of boxes(formId)) box.checked = checked;
    setSelected(checked ? boxes(formId).length : 0);
  }

  return (
    <form id={formId} action={formAction} className="flex flex-wrap items-center gap-3">
      {Object.entries(filter).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <label className="inline-flex items-center gap-2 text-sm text-slate-700">
        <input
          type="checkbox"
          checked={total > 0 && selected === total}
          onChange={(e) => selectAll(e.currentTarget.checked)}
          disabled={total === 0}
          className="h-4 w-4 rounded border-slate-400 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-700"
        />
        Select all on this page
      </label>
      <button
        type="submit"
        disabled={selected === 0 || isPending}
        className="rounded-md bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-700 disabled:opacity-50"
      >
        {isPending ? "Re-driving…" : `Re-drive ${selected} selected`}
      </button>
      {result && (
        <p role={result.ok ? "status" : "alert"} className={`basis-full text-sm ${result.ok ? "text-emerald-800" : "text-red-800"}`}>
          {result.message}
        </p>
      )}
    </form>
  );
}
