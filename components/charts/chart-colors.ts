// Tailwind 600-level hues: distinguishable for the common colour-vision deficiencies when paired
// (blue/orange), and every series also has a legend entry and a tooltip label.
export const CHART_COLORS = {
  blue: "#0284c7",
  green: "#059669",
  red: "#dc2626",
  orange: "#ea580c",
  amber: "#d97706",
  purple: "#7c3aed",
  slate: "#64748b",
  grid: "#e2e8f0",
  axis: "#475569",
} as const;

export type ChartColor = Exclude<keyof typeof CHART_COLORS, "grid" | "axis">;
