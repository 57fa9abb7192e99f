// API.md: timestamps are ISO-8601 UTC strings with milliseconds, null when absent.

export function isoOrNull(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

/** Payload times are epoch milliseconds; one that is out of Date's range reads as absent. */
export function epochMsToIso(ms: number | null): string | null {
  if (ms === null) return null;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
