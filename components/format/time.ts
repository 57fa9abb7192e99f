// Times are shown in UTC everywhere: the API speaks UTC, operators compare them with logs, and a
// server-rendered page cannot know the browser's zone without a hydration mismatch.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "2026-11-29 06:27:03 UTC"; "—" when absent. */
export function formatTimestamp(iso: string | null): string {
  if (iso === null) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** A short UTC time for chart axes: "06:00" within a day, "Nov 29" beyond. */
export function formatAxisTime(iso: string, spanMs: number): string {
  const date = new Date(iso);
  if (spanMs <= 2 * DAY) return date.toISOString().slice(11, 16);
  return date.toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
}

/** A duration for people: "850 ms", "4.2 s", "3 min 20 s", "38 min", "5 h 12 min", "3 d 4 h". Negative values keep their sign. */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? "−" : "";
  const abs = Math.abs(ms);
  if (abs < SECOND) return `${sign}${Math.round(abs)} ms`;
  if (abs < MINUTE) return `${sign}${(abs / SECOND).toFixed(abs < 10 * SECOND ? 1 : 0)} s`;
  // Seconds matter for a few minutes (a backlog's age), not for "last seen 38 min ago".
  if (abs < 10 * MINUTE) return `${sign}${Math.floor(abs / MINUTE)} min ${Math.floor((abs % MINUTE) / SECOND)} s`;
  if (abs < HOUR) return `${sign}${Math.floor(abs / MINUTE)} min`;
  if (abs < DAY) return `${sign}${Math.floor(abs / HOUR)} h ${Math.floor((abs % HOUR) / MINUTE)} min`;
  return `${sign}${Math.floor(abs / DAY)} d ${Math.floor((abs % DAY) / HOUR)} h`;
}

/** "3 min ago" relative to `now`; "in 2 s" for a time ahead of it (clock skew). */
export function formatAge(iso: string | null, now: Date): string {
  if (iso === null) return "never";
  const ms = now.getTime() - new Date(iso).getTime();
  if (Math.abs(ms) < 5 * SECOND) return "just now";
  return ms >= 0 ? `${formatDuration(ms)} ago` : `in ${formatDuration(-ms)}`;
}

/** Milliseconds from `from` to `to`, or null when either is absent. */
export function gapMs(from: string | null, to: string | null): number | null {
  if (from === null || to === null) return null;
  return new Date(to).getTime() - new Date(from).getTime();
}
