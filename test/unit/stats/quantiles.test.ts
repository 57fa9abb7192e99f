import { describe, expect, it } from "vitest";
import { bucketFor, RECEIVE_MS_BOUNDS } from "@/lib/stats/metric-names";
import { percentiles, quantile } from "@/lib/stats/quantiles";

const BOUNDS = [10, 20, 50] as const;

describe("bucketFor", () => {
  it.each([
    [0, "1"],
    [1, "1"],
    [1.01, "2"],
    [200, "200"],
    [15_000, "15000"],
    [15_001, "+Inf"],
  ])("puts %f ms in bucket %s", (ms, bucket) => {
    expect(bucketFor(ms, RECEIVE_MS_BOUNDS)).toBe(bucket);
  });
});

describe("quantile", () => {
  it("is null without samples", () => {
    expect(quantile(new Map(), BOUNDS, 0.5)).toBeNull();
    expect(percentiles(new Map(), BOUNDS)).toEqual({ p50: null, p95: null, p99: null });
  });

  it("interpolates inside the bucket holding the rank", () => {
    // 10 samples in (0, 10], 10 in (10, 20]: the median is the top of the first bucket.
    const counts = new Map([["10", 10], ["20", 10]]);
    expect(quantile(counts, BOUNDS, 0.5)).toBe(10);
    expect(quantile(counts, BOUNDS, 0.75)).toBe(15);
    expect(quantile(counts, BOUNDS, 0.25)).toBe(5);
  });

  it("skips empty buckets and answers the last bound for the overflow bucket", () => {
    const counts = new Map([["50", 2], ["+Inf", 2]]);
    expect(quantile(counts, BOUNDS, 0.5)).toBe(50);
    expect(quantile(counts, BOUNDS, 0.25)).toBe(35);
    expect(quantile(counts, BOUNDS, 0.99)).toBe(50);
  });

  it("orders p50 ≤ p95 ≤ p99 on a realistic distribution", () => {
    const counts = new Map([["1", 50], ["2", 300], ["5", 500], ["10", 120], ["25", 25], ["100", 4], ["+Inf", 1]]);
    const p = percentiles(counts, RECEIVE_MS_BOUNDS);
    expect(p.p50).not.toBeNull();
    expect(p.p50 ?? 0).toBeLessThanOrEqual(p.p95 ?? 0);
    expect(p.p95 ?? 0).toBeLessThanOrEqual(p.p99 ?? 0);
    expect(p.p50).toBeGreaterThan(2);
    expect(p.p50).toBeLessThanOrEqual(5);
  });
});
