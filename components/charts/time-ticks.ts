const HOUR = 3_600_000;
const STEPS = [HOUR, 2 * HOUR, 3 * HOUR, 4 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR, 2 * 24 * HOUR, 7 * 24 * HOUR];
const MAX_TICKS = 7;

/**
 * Round-hour ticks across the whole range (UTC), not just where readings happen to fall, so a
 * quiet morning reads as a gap on a familiar scale.
 */
export function timeTicks(from: number, to: number): number[] {
  const step = STEPS.find((s) => (to - from) / s <= MAX_TICKS) ?? STEPS.at(-1) ?? HOUR;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push(t);
  return ticks;
}
