"use client";

import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { CHART_COLORS, type ChartColor } from "@/components/charts/chart-colors";
import { formatAxisTime, formatTimestamp } from "@/components/format/time";

export interface BarSeries {
  key: string;
  label: string;
  color: ChartColor;
  /** Series sharing a stack sit on one bar; different stacks stand side by side. */
  stack: string;
}

export interface TimeBucket {
  at: string;
  values: Record<string, number>;
}

/** Counts per time bucket (an hour of the rollups), stacked by series. */
export function StackedBarChart({ label, buckets, series, height = 260 }: { label: string; buckets: TimeBucket[]; series: BarSeries[]; height?: number }) {
  const first = buckets[0];
  const last = buckets.at(-1);
  const span = first && last ? Date.parse(last.at) - Date.parse(first.at) : 0;
  const data = buckets.map((b) => ({ at: b.at, ...b.values }));
  return (
    <figure aria-label={label}>
      <BarChart responsive data={data} style={{ width: "100%", height }} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
        <CartesianGrid stroke={CHART_COLORS.grid} vertical={false} />
        <XAxis dataKey="at" tickFormatter={(at: string) => formatAxisTime(at, span)} stroke={CHART_COLORS.axis} fontSize={11} minTickGap={16} />
        <YAxis allowDecimals={false} stroke={CHART_COLORS.axis} fontSize={11} width={44} />
        <Tooltip labelFormatter={(at) => (typeof at === "string" ? `Hour from ${formatTimestamp(at)}` : String(at))} />
        {/* Series order, not alphabetical: arrivals first, then outcomes. */}
        <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
        {series.map((s) => (
          <Bar key={s.key} dataKey={s.key} name={s.label} stackId={s.stack} fill={CHART_COLORS[s.color]} isAnimationActive={false} />
        ))}
      </BarChart>
    </figure>
  );
}
