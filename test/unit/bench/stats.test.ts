import { describe, expect, it } from "vitest";
import { percentile, perSecondRates, round, summarize } from "@/bench/lib/stats";

describe("percentile (nearest rank)", () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1);

  it("returns a sample that occurred, never an interpolation", () => {
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 95)).toBe(95);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([1, 2], 50)).toBe(1);
    expect(percentile([1, 2], 51)).toBe(2);
  });

  it("is NaN without samples and the only sample for one", () => {
    expect(percentile([], 50)).toBeNaN();
    expect(percentile([7], 1)).toBe(7);
    expect(percentile([7], 99)).toBe(7);
  });
});

describe("summarize", () => {
  it("sorts numerically, not as strings", () => {
    const s = summarize([10, 9, 100, 1, 2]);
    expect(s).toMatchObject({ count: 5, min: 1, max: 100, p50: 9, mean: 24.4 });
  });

  it("puts p99 in the tail of a skewed distribution", () => {
    const values = [...Array.from({ length: 990 }, () => 1), ...Array.from({ length: 10 }, () => 500)];
    const s = summarize(values);
    expect(s.p50).toBe(1);
    expect(s.p95).toBe(1);
    expect(s.p99).toBe(1);
    expect(summarize([...values, 500]).p99).toBe(500);
  });
});

describe("perSecondRates", () => {
  it("counts completions per whole second of the window and drops the partial last second", () => {
    expect(perSecondRates([0, 10, 999, 1000, 2500, 2999, 3100], 0, 3050)).toEqual([3, 1, 2]);
  });

  it("ignores completions outside the window", () => {
    expect(perSecondRates([-5, 500, 5000], 0, 2000)).toEqual([1, 0]);
  });
});

describe("round", () => {
  it("keeps non-finite values as they are", () => {
    expect(round(1.26, 1)).toBe(1.3);
    expect(round(Number.NaN)).toBeNaN();
  });
});
