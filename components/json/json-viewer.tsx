import type { ReactNode } from "react";
import { CopyButton } from "@/components/json/copy-button";

// A JSON value as a tree of native <details>: collapsible with the keyboard (Enter/Space on a
// summary) and without any client JavaScript; only the copy button hydrates.

// Deep or long branches start closed so a 170-signal payload stays scannable.
const OPEN_DEPTH = 3;
const OPEN_MAX_ENTRIES = 8;

export function JsonViewer({ value, label }: { value: unknown; label: string }) {
  const pretty = JSON.stringify(value, null, 2) ?? "undefined";
  return (
    <div className="rounded-md border border-slate-200 bg-slate-50">
      <div className="flex items-center justify-between gap-2 border-b border-slate-200 px-3 py-2">
        <span className="text-xs text-slate-600">{formatBytes(new TextEncoder().encode(pretty).length)} pretty-printed</span>
        <CopyButton text={pretty} label="Copy JSON" />
      </div>
      <div role="group" aria-label={label} className="max-h-[36rem] overflow-auto p-3 font-mono text-xs leading-5">
        <JsonNode value={value} depth={0} />
      </div>
    </div>
  );
}

function JsonNode({ value, depth, name }: { value: unknown; depth: number; name?: ReactNode }) {
  const prefix = name === undefined ? null : <>{name}: </>;
  if (Array.isArray(value) || isRecord(value)) {
    const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
    const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
    if (entries.length === 0) return <div>{prefix}{open}{close}</div>;
    return (
      <details open={depth < OPEN_DEPTH || entries.length <= OPEN_MAX_ENTRIES} className="group">
        <summary className="cursor-pointer rounded marker:text-slate-400 hover:bg-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-700">
          {prefix}
          {open}
          <span className="text-slate-500 group-open:hidden">
            {" "}
            {entries.length} {Array.isArray(value) ? "items" : "keys"} {close}
          </span>
        </summary>
        <div className="ml-4 border-l border-slate-200 pl-3">
          {entries.map(([key, child]) => (
            <JsonNode key={key} value={child} depth={depth + 1} name={Array.isArray(value) ? <span className="text-slate-400">{key}</span> : <span className="text-slate-800">&quot;{key}&quot;</span>} />
          ))}
        </div>
        <div>{close}</div>
      </details>
    );
  }
  return (
    <div className="break-all">
      {prefix}
      <JsonScalar value={value} />
    </div>
  );
}

function JsonScalar({ value }: { value: unknown }) {
  if (typeof value === "string") return <span className="text-emerald-800">{JSON.stringify(value)}</span>;
  if (typeof value === "number") return <span className="text-sky-800">{String(value)}</span>;
  if (typeof value === "boolean" || value === null) return <span className="text-purple-800">{String(value)}</span>;
  return <span className="text-slate-500">{String(value)}</span>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}
