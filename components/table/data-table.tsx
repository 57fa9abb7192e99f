import Link from "next/link";
import type { ReactNode } from "react";

export interface Column<T> {
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** Hidden on narrow screens: tablets in portrait keep the columns that identify a row. */
  hideBelow?: "md" | "lg";
  align?: "left" | "right";
  /** The cell holds its own controls (a checkbox, another link): they must sit above the row link. */
  interactive?: boolean;
}

const HIDE: Record<NonNullable<Column<unknown>["hideBelow"]>, string> = {
  md: "hidden md:table-cell",
  lg: "hidden lg:table-cell",
};

/**
 * A server-rendered table. With `rowHref` the first non-interactive column becomes a link stretched over the
 * whole row: one Tab stop per row, Enter opens it, a click anywhere on the row does too, and
 * screen readers hear a real link instead of a clickable <tr>.
 */
export function DataTable<T>({
  caption,
  columns,
  rows,
  rowKey,
  rowHref,
  empty,
}: {
  caption: string;
  columns: Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  rowHref?: (row: T) => string;
  empty: ReactNode;
}) {
  if (rows.length === 0) return <>{empty}</>;
  const linkColumn = columns.findIndex((c) => !c.interactive);
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="w-full border-collapse text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
          <tr>
            {columns.map((column, i) => (
              <th key={i} scope="col" className={cellClass(column, "px-3 py-2 font-medium")}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row) => {
            const href = rowHref?.(row);
            return (
              <tr key={rowKey(row)} className={`relative align-top ${href ? "hover:bg-slate-50 has-[a:focus-visible]:bg-sky-50" : ""}`}>
                {columns.map((column, i) => (
                  <td key={i} className={cellClass(column, "px-3 py-2")}>
                    {href && i === linkColumn ? <RowLink href={href}>{column.cell(row)}</RowLink> : column.cell(row)}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function RowLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Link
      href={href}
      className="font-medium text-sky-800 underline-offset-2 after:absolute after:inset-0 hover:underline focus:outline-none focus-visible:after:outline focus-visible:after:outline-2 focus-visible:after:-outline-offset-2 focus-visible:after:outline-sky-700"
    >
      {children}
    </Link>
  );
}

function cellClass<T>(column: Column<T>, base: string): string {
  return [
    base,
    column.hideBelow ? HIDE[column.hideBelow] : "",
    column.align === "right" ? "text-right tabular-nums" : "",
    column.interactive ? "relative z-10" : "",
  ]
    .filter(Boolean)
    .join(" ");
}
