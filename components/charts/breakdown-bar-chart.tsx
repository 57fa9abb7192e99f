"use client";

import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from "recharts";
import { CHART_COLORS, type ChartColor } from "@/components/charts/chart-colors";

export interface BreakdownItem {
  label: string;
  count: number;
}

// ~6.5 px per character at 11 px: labels past this are cut (the table beside the chart has them whole).
const LABEL_WIDTH = 190;
const LABEL_CHARS = 27;

function shorten(label: string): string {
  return label.length > LABEL_CHARS ? `${label.slice(0, LABEL_CHARS - 1)}…` : label;
}

/** Largest groups as horizontal bars; long labels get room on the left instead of being rotated. */
export function BreakdownBarChart({ label, items, color = "blue" }: { label: string; items: BreakdownItem[]; color?: ChartColor }) {
  const height = Math.max(120, items.length * 28 + 40);
  return (
    <figure aria-label={label}>
      <BarChart responsive layout="vertical" data={items} style={{ width: "100%", height }} margin={{ top: 4, right: 16, bottom: 0, left: 8 }}>
        <CartesianGrid stroke={CHART_COLORS.grid} horizontal={false} />
        <XAxis type="number" allowDecimals={false} stroke={CHART_COLORS.axis} fontSize={11} />
        <YAxis type="category" dataKey="label" width={LABEL_WIDTH} stroke={CHART_COLORS.axis} fontSize={11} tickFormatter={shorten} />
        <Tooltip formatter={(v) => [String(v), "Count"]} />
        <Bar dataKey="count" name="Count" fill={CHART_COLORS[color]} isAnimationActive={false} />
      </BarChart>
    </figure>
  );
}
