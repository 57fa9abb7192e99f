"use client";

import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";
import { CHART_COLORS, type ChartColor } from "@/components/charts/chart-colors";
import { timeTicks } from "@/components/charts/time-ticks";
import { formatAxisTime, formatTimestamp } from "@/components/format/time";

export interface TimePoint {
  at: string;
  value: number | null;
}

/**
 * One signal over time. `step` draws a state that holds until the next reading (charging yes/no)
 * instead of interpolating between readings. The x axis spans the requested range, so a quiet
 * stretch shows as a gap rather than being squeezed out.
 */
export function TimeSeriesChart({
  label,
  points,
  from,
  to,
  unit = "",
  color = "blue",
  step = false,
  formatValue = "number",
  height = 200,
}: {
  label: string;
  points: TimePoint[];
  from: string;
  to: string;
  unit?: string;
  color?: ChartColor;
  step?: boolean;
  /** "yes-no" for 0/1 states. */
  formatValue?: "number" | "yes-no";
  height?: number;
}) {
  const domain: [number, number] = [Date.parse(from), Date.parse(to)];
  const span = domain[1] - domain[0];
  const data = points.map((p) => ({ t: Date.parse(p.at), value: p.value }));
  const show = (v: unknown) => (formatValue === "yes-no" ? (v === 1 ? "Yes" : "No") : typeof v === "number" ? `${round(v)}${unit}` : "—");
  return (
    <figure aria-label={label}>
      <LineChart responsive data={data} style={{ width: "100%", height }} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
        <CartesianGrid stroke={CHART_COLORS.grid} vertical={false} />
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={domain}
          ticks={timeTicks(domain[0], domain[1])}
          tickFormatter={(t: number) => formatAxisTime(new Date(t).toISOString(), span)}
          stroke={CHART_COLORS.axis}
          fontSize={11}
          minTickGap={24}
        />
        <YAxis
          stroke={CHART_COLORS.axis}
          fontSize={11}
          width={formatValue === "yes-no" ? 36 : 48}
          domain={formatValue === "yes-no" ? [0, 1] : ["auto", "auto"]}
          ticks={formatValue === "yes-no" ? [0, 1] : undefined}
          tickFormatter={(v: number) => (formatValue === "yes-no" ? (v === 1 ? "Yes" : "No") : String(round(v)))}
        />
        <Tooltip labelFormatter={(t) => (typeof t === "number" ? formatTimestamp(new Date(t).toISOString()) : String(t))} formatter={(v) => [show(v), label]} />
        <Line
          type={step ? "stepAfter" : "monotone"}
          dataKey="value"
          stroke={CHART_COLORS[color]}
          strokeWidth={2}
          dot={data.length <= 40}
          connectNulls
          isAnimationActive={false}
        />
      </LineChart>
    </figure>
  );
}

function round(v: number): number {
  return Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 10) / 10;
}
