import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth/session";
import { getAuditForAdmin } from "@/lib/dal/admin";

export const metadata: Metadata = { title: "Audit log · Smartcar Monitor" };

const PAGE_SIZE = 50;

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser("admin");
  const { cursor } = await searchParams;
  const page = await getAuditForAdmin({ limit: PAGE_SIZE, cursor: typeof cursor === "string" ? cursor : undefined });
  return (
    <div>
      <h1 className="text-xl font-semibold">Audit log</h1>
      <p className="mt-1 text-sm text-slate-600">Every change to users and API tokens, and every operator action, newest first.</p>
      {page.items.length === 0 ? (
        <p className="mt-4 text-sm text-slate-600">Nothing recorded yet.</p>
      ) : (
        // Scrolls inside its own box rather than widening the page on a tablet.
        <div className="mt-4 overflow-x-auto">
          <table className="w-full border-collapse text-left text-sm">
            <thead className="border-b border-slate-300 text-xs uppercase text-slate-500">
              <tr>
                <th className="py-2 pr-4">When</th>
                <th className="py-2 pr-4">Who</th>
                <th className="py-2 pr-4">Action</th>
                <th className="py-2 pr-4">Target</th>
                <th className="py-2">Details</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((entry) => (
                <tr key={entry.id} className="border-b border-slate-200 align-top">
                  <td className="py-2 pr-4 whitespace-nowrap">
                    <time dateTime={entry.at}>{entry.at}</time>
                  </td>
                  <td className="py-2 pr-4">
                    {entry.actor.name} <span className="text-slate-500">({entry.actor.type})</span>
                  </td>
                  <td className="py-2 pr-4 font-mono">{entry.action}</td>
                  <td className="py-2 pr-4">{entry.targetId ?? "-"}</td>
                  {/* One unbroken JSON string: allowed to break anywhere so the column cannot force the table wide. */}
                  <td className="break-all py-2 font-mono text-xs text-slate-600">{JSON.stringify(entry.details)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page.nextCursor && (
        <Link
          href={`/admin/audit?${new URLSearchParams({ cursor: page.nextCursor })}`}
          className="mt-4 inline-block text-sm text-sky-700 underline focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-700"
        >
          Older entries
        </Link>
      )}
    </div>
  );
}
