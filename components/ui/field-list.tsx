import type { ReactNode } from "react";

/** Label/value pairs in a responsive grid (a <dl>, so each value is announced with its label). */
export function FieldList({ fields }: { fields: { label: string; value: ReactNode }[] }) {
  return (
    <dl className="grid grid-cols-1 gap-x-6 gap-y-3 sm:grid-cols-2 lg:grid-cols-3">
      {fields.map((f) => (
        <div key={f.label} className="min-w-0">
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">{f.label}</dt>
          <dd className="mt-0.5 break-words text-sm text-slate-900">{f.value}</dd>
        </div>
      ))}
    </dl>
  );
}
