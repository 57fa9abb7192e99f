// A fixed locale: the server renders these, and the page must read the same for everyone.
const INTEGER = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const DECIMAL = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

export function formatCount(value: number): string {
  return INTEGER.format(value);
}

export function formatDecimal(value: number | null, unit = ""): string {
  if (value === null) return "—";
  return `${DECIMAL.format(value)}${unit}`;
}

/** A latency in milliseconds as the rollups give it; null = no samples in the range. */
export function formatLatencyMs(value: number | null): string {
  if (value === null) return "—";
  if (value >= 1000) return `${DECIMAL.format(value / 1000)} s`;
  return `${DECIMAL.format(value)} ms`;
}
