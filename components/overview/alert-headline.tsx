import Link from "next/link";
import { formatCount } from "@/components/format/numbers";
import type { LiveAlertCounts } from "@/lib/dal/alerts";

// The overview's first line: are any alerts live? Links to the Alerts page either way.
export function AlertHeadline({ counts }: { counts: LiveAlertCounts }) {
  const live = counts.open + counts.acknowledged;
  const tone = counts.critical > 0 ? "border-red-300 bg-red-50 text-red-900" : counts.open > 0 ? "border-amber-300 bg-amber-50 text-amber-900" : "border-slate-200 bg-white text-slate-800";
  const parts = [`${formatCount(counts.open)} open`, `${formatCount(counts.acknowledged)} acknowledged`];
  if (counts.critical > 0) parts.push(`${formatCount(counts.critical)} critical`);
  return (
    <section aria-label="Live alerts" className={`flex flex-wrap items-center justify-between gap-2 rounded-lg border px-4 py-3 text-sm shadow-sm ${tone}`}>
      <p>
        <span className="font-semibold">{live === 0 ? "No live alerts" : `${formatCount(live)} live ${live === 1 ? "alert" : "alerts"}`}</span>
        {live > 0 && <span>: {parts.join(" · ")}</span>}
      </p>
      <Link href="/alerts" className="font-medium underline underline-offset-2 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-700">
        View alerts →
      </Link>
    </section>
  );
}
