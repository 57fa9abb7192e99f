// Relative time ranges for the rollup-based pages: "last 24 h" keeps moving with auto-refresh,
// which a fixed from/to in the URL would not. Hourly rollups make an hour the finest sensible step.

export const RANGE_PRESETS = {
  "6h": { label: "Last 6 hours", hours: 6 },
  "24h": { label: "Last 24 hours", hours: 24 },
  "7d": { label: "Last 7 days", hours: 7 * 24 },
  "30d": { label: "Last 30 days", hours: 30 * 24 },
} as const;

export type RangePreset = keyof typeof RANGE_PRESETS;

export const DEFAULT_RANGE: RangePreset = "24h";

/** A filter-bar select: no value means the default, so a plain URL shows the usual range. */
export const RANGE_FIELD = {
  kind: "select",
  name: "range",
  label: "Time range",
  allLabel: RANGE_PRESETS[DEFAULT_RANGE].label,
  options: Object.entries(RANGE_PRESETS)
    .filter(([value]) => value !== DEFAULT_RANGE)
    .map(([value, p]) => ({ value, label: p.label })),
} as const;

export function rangePreset(value: string | undefined): RangePreset {
  return value !== undefined && isPreset(value) ? value : DEFAULT_RANGE;
}

function isPreset(value: string): value is RangePreset {
  return Object.hasOwn(RANGE_PRESETS, value);
}

/** The preset's range ending at `now` (the DAL widens it to whole hours). */
export function presetRange(preset: RangePreset, now: Date): { from: Date; to: Date } {
  return { from: new Date(now.getTime() - RANGE_PRESETS[preset].hours * 3_600_000), to: now };
}
