import { formatAge, formatTimestamp } from "@/components/format/time";

/**
 * A point in time: relative ("3 min ago") when `now` is given, with the exact UTC time on hover
 * and in the `datetime` attribute; the exact time when it is not.
 */
export function Timestamp({ iso, now }: { iso: string | null; now?: Date }) {
  if (iso === null) return <span className="text-slate-500">—</span>;
  const exact = formatTimestamp(iso);
  return (
    <time dateTime={iso} title={exact} className="whitespace-nowrap">
      {now ? formatAge(iso, now) : exact}
    </time>
  );
}
