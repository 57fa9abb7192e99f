// Summaries of measured samples. Percentiles use the nearest-rank method on the full sample set:
// the reported p99 is a latency that really occurred, never an interpolation between two.

export interface Summary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of ascending `sorted` (0 < p ≤ 100); NaN for no samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = Float64Array.from(values).sort();
  const list = Array.from(sorted);
  const sum = list.reduce((total, v) => total + v, 0);
  return {
    count: list.length,
    min: list[0] ?? Number.NaN,
    mean: list.length === 0 ? Number.NaN : sum / list.length,
    p50: percentile(list, 50),
    p95: percentile(list, 95),
    p99: percentile(list, 99),
    max: list.at(-1) ?? Number.NaN,
  };
}

/** Rounds for reports: results files hold what a reader compares, not float noise. */
export function round(value: number, digits = 1): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function roundSummary(summary: Summary, digits = 1): Summary {
  return {
    count: summary.count,
    min: round(summary.min, digits),
    mean: round(summary.mean, digits),
    p50: round(summary.p50, digits),
    p95: round(summary.p95, digits),
    p99: round(summary.p99, digits),
    max: round(summary.max, digits),
  };
}

/**
 * Events per second in each whole second between `from` and `to` (epoch ms): how steady a rate
 * was, not just its average. `times` are completion times in epoch ms.
 */
export function perSecondRates(times: readonly number[], from: number, to: number): number[] {
  const seconds = Math.max(1, Math.floor((to - from) / 1000));
  const buckets = new Array<number>(seconds).fill(0);
  for (const t of times) {
    const index = Math.floor((t - from) / 1000);
    if (index >= 0 && index < seconds) buckets[index] = (buckets[index] ?? 0) + 1;
  }
  return buckets;
}
