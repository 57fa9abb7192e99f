import { StackedBarChart, type BarSeries } from "@/components/charts/stacked-bar-chart";
import type { ChartColor } from "@/components/charts/chart-colors";
import { EmptyState } from "@/components/ui/empty-state";

// Counts per hour by key (an error type, a rejection reason), stacked. The largest keys of the
// range get a series each; the rest share "other", so a chart never needs more colours than it has.
const PALETTE: ChartColor[] = ["red", "blue", "amber", "purple", "green", "orange"];
const OTHER = "other";

export interface HourCounts {
  hour: string;
  counts: Record<string, number>;
}

export function TrendChart({ label, hours, emptyTitle }: { label: string; hours: HourCounts[]; emptyTitle: string }) {
  const totals = new Map<string, number>();
  for (const { counts } of hours) for (const [key, n] of Object.entries(counts)) totals.set(key, (totals.get(key) ?? 0) + n);
  if (![...totals.values()].some((n) => n > 0)) return <EmptyState title={emptyTitle} />;
  const ranked = [...totals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([key]) => key);
  const overflows = ranked.length > PALETTE.length;
  const named = overflows ? ranked.slice(0, PALETTE.length - 1) : ranked;
  // Series keys are positions: a key from a payload may hold characters a chart reads as a path.
  const series: BarSeries[] = named.map((key, i) => ({ key: `s${i}`, label: key === "" ? "(unknown)" : key, color: PALETTE[i] ?? "slate", stack: "all" }));
  if (overflows) series.push({ key: OTHER, label: "Other", color: "slate", stack: "all" });
  const isNamed = new Set(named);
  return (
    <StackedBarChart
      label={label}
      series={series}
      buckets={hours.map(({ hour, counts }) => {
        const values: Record<string, number> = Object.fromEntries(named.map((key, i) => [`s${i}`, counts[key] ?? 0]));
        if (overflows) values[OTHER] = Object.entries(counts).reduce((sum, [key, n]) => (isNamed.has(key) ? sum : sum + n), 0);
        return { at: hour, values };
      })}
    />
  );
}
