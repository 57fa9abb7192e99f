"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";

// Filters live in the URL: a filtered view can be bookmarked, shared and reloaded, and the server
// component reads the same searchParams to query. Changing any filter drops the page position
// (a cursor names a row of the old result set).

export type FilterField =
  | { kind: "select"; name: string; label: string; options: readonly { value: string; label: string }[]; allLabel?: string }
  | { kind: "text"; name: string; label: string; placeholder?: string }
  /** A UTC time: the whole dashboard speaks UTC. */
  | { kind: "datetime"; name: string; label: string };

/** Params that name a position in a result, not a filter. */
const POSITION_PARAMS = ["cursor", "trail"] as const;

export function FilterBar({ label, fields, alsoClears = [] }: { label: string; fields: readonly FilterField[]; alsoClears?: readonly string[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [isPending, startTransition] = useTransition();
  const fromUrl = () => Object.fromEntries(fields.map((f) => [f.name, toInputValue(f, searchParams.get(f.name) ?? "")]));
  const [values, setValues] = useState<Record<string, string>>(fromUrl);
  // Back/Forward change the URL, not the inputs: re-seed them when the URL moves. (Not by
  // remounting the form, which would throw keyboard focus out of the field just used.)
  const urlKey = searchParams.toString();
  const [seenUrlKey, setSeenUrlKey] = useState(urlKey);
  if (seenUrlKey !== urlKey) {
    setSeenUrlKey(urlKey);
    setValues(fromUrl());
  }

  function apply(next: Record<string, string>) {
    const params = new URLSearchParams(urlKey);
    for (const field of fields) {
      const value = toUrlValue(field, next[field.name]?.trim() ?? "");
      if (value === "") params.delete(field.name);
      else params.set(field.name, value);
    }
    for (const name of [...POSITION_PARAMS, ...alsoClears]) params.delete(name);
    const query = params.toString();
    startTransition(() => router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false }));
  }

  function change(name: string, value: string, { applyNow }: { applyNow: boolean }) {
    const next = { ...values, [name]: value };
    setValues(next);
    // A choice applies at once: there is nothing more to type.
    if (applyNow) apply(next);
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    apply(values);
  }

  const hasFilters = fields.some((f) => searchParams.has(f.name));
  return (
    <form role="search" aria-label={label} onSubmit={onSubmit} className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3 shadow-sm">
      {fields.map((field) => (
        <FilterInput key={field.name} field={field} value={values[field.name] ?? ""} onChange={(value) => change(field.name, value, { applyNow: field.kind === "select" })} />
      ))}
      <div className="flex items-center gap-2">
        {/* Selects apply on change; typed values wait for Enter or Apply. */}
        {fields.some((f) => f.kind !== "select") && (
          <button type="submit" className="rounded-md bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-700">
            Apply
          </button>
        )}
        {hasFilters && (
          <button
            type="button"
            onClick={() => apply({})}
            className="rounded-md px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-700"
          >
            Clear
          </button>
        )}
        <span aria-live="polite" className="text-xs text-slate-600">
          {isPending ? "Updating…" : ""}
        </span>
      </div>
    </form>
  );
}

const INPUT = "mt-1 block rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm shadow-sm focus:border-sky-600 focus:outline-none focus:ring-2 focus:ring-sky-600";

function FilterInput({ field, value, onChange }: { field: FilterField; value: string; onChange: (value: string) => void }) {
  const id = `filter-${field.name}`;
  return (
    <div>
      <label htmlFor={id} className="block text-xs font-medium text-slate-700">
        {field.label}
      </label>
      {field.kind === "select" ? (
        <select id={id} name={field.name} value={value} onChange={(e) => onChange(e.currentTarget.value)} className={INPUT}>
          <option value="">{field.allLabel ?? "All"}</option>
          {field.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          name={field.name}
          type={field.kind === "datetime" ? "datetime-local" : "search"}
          step={field.kind === "datetime" ? 1 : undefined}
          value={value}
          onChange={(e) => onChange(e.currentTarget.value)}
          placeholder={field.kind === "text" ? field.placeholder : undefined}
          className={`${INPUT} ${field.kind === "text" ? "w-64 max-w-full" : ""}`}
        />
      )}
    </div>
  );
}

// datetime-local has no zone: it shows and returns UTC wall time here ("2026-11-29T06:00:00").
function toInputValue(field: FilterField, urlValue: string): string {
  if (field.kind !== "datetime" || urlValue === "") return urlValue;
  const date = new Date(urlValue);
  return Number.isNaN(date.getTime()) ? "" : date.toISOString().slice(0, 19);
}

function toUrlValue(field: FilterField, raw: string): string {
  if (field.kind !== "datetime" || raw === "") return raw;
  const date = new Date(`${raw.length === 16 ? `${raw}:00` : raw}Z`);
  return Number.isNaN(date.getTime()) ? "" : date.toISOString();
}
