// Numbers in alert titles and summaries, read in a chat message as much as on the page: plain
// English, UTC, no locale of the server's choosing.

const INTEGER = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

export function count(n: number): string {
  return INTEGER.format(n);
}

/** "1 event", "3 events". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/** "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3_600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3_600)} h ${Math.floor((s % 3_600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3_600)} h`;
}

/** Milliseconds as "850 ms" or "7.2 s". */
export function millis(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(Math.round(ms / 100) / 10).toFixed(1)} s`;
}

export function percent(ratio: number): string {
  return `${Math.round(ratio * 1_000) / 10} %`;
}

/** "2026-11-29 06:27 UTC". */
export function utcMinute(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** "2021 TESLA Model 3 (332bc6bb)": what a person recognises a vehicle by, with the id to find it. */
export function vehicleLabel(v: { vehicleId: string; make: string | null; model: string | null; year: number | null }): string {
  const name = [v.year, v.make, v.model].filter((part) => part !== null && part !== "").join(" ");
  const shortId = v.vehicleId.slice(0, 8);
  return name ? `${name} (${shortId})` : `vehicle ${shortId}`;
}
