import { OVERFLOW_BUCKET } from "@/lib/stats/metric-names";

// Quantiles from bucket counts, as Prometheus' histogram_quantile does: find the bucket holding
// the rank and interpolate linearly inside it. Exact to the bucket's width, which is what an
// hourly rollup can promise.

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** `counts` by bucket dimension ("5", "10", …, "+Inf"); null when there are no samples. */
export function quantile(counts: ReadonlyMap<string, number>, bounds: readonly number[], q: number): number | null {
  const ordered = [...bounds.map((b) => ({ upper: b, count: counts.get(String(b)) ?? 0 })), { upper: Infinity, count: counts.get(OVERFLOW_BUCKET) ?? 0 }];
  const total = ordered.reduce((sum, b) => sum + b.count, 0);
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  let lower = 0;
  for (const bucket of ordered) {
    if (bucket.count > 0 && below + bucket.count >= rank) {
      // Past the last bound only "at least the last bound" is known.
      if (bucket.upper === Infinity) return lower;
      return lower + (bucket.upper - lower) * ((rank - below) / bucket.count);
    }
    below += bucket.count;
    if (bucket.upper !== Infinity) lower = bucket.upper;
  }
  return lower;
}

export function percentiles(counts: ReadonlyMap<string, number>, bounds: readonly number[]): Percentiles {
  const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  return { p50: round(quantile(counts, bounds, 0.5)), p95: round(quantile(counts, bounds, 0.95)), p99: round(quantile(counts, bounds, 0.99)) };
}
