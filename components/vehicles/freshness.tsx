import { formatAge, formatTimestamp } from "@/components/format/time";

// How old the newest reading is. Thresholds are about trust, not health: a parked car reporting
// hourly is fine, but a "current" value a day old should not be read as current.
const FRESH_MS = 60 * 60 * 1000;
const AGING_MS = 24 * 60 * 60 * 1000;

export function Freshness({ at, now }: { at: string | null; now: Date }) {
  if (at === null) return <span className="text-slate-500">unknown</span>;
  const age = now.getTime() - new Date(at).getTime();
  const { dot, word } = age <= FRESH_MS ? { dot: "bg-emerald-500", word: "fresh" } : age <= AGING_MS ? { dot: "bg-amber-400", word: "aging" } : { dot: "bg-slate-400", word: "stale" };
  return (
    <span className="inline-flex items-center gap-1.5 whitespace-nowrap" title={`Reported ${formatTimestamp(at)}`}>
      <span aria-hidden="true" className={`h-2 w-2 rounded-full ${dot}`} />
      <time dateTime={at}>{formatAge(at, now)}</time>
      <span className="sr-only">({word})</span>
    </span>
  );
}
