import { StackedBarChart, type BarSeries } from "@/components/charts/stacked-bar-chart";
import { EmptyState } from "@/components/ui/empty-state";
import type { HourOverview } from "@/lib/dal/overview";

// Two bars per hour: what arrived (stored + refused) and what became of it (processed +
// dead-lettered). Stacking all four in one bar would count an event twice.
const SERIES: BarSeries[] = [
  { key: "received", label: "Received", color: "blue", stack: "arrived" },
  { key: "rejected", label: "Rejected", color: "orange", stack: "arrived" },
  { key: "processed", label: "Processed", color: "green", stack: "outcome" },
  { key: "deadLettered", label: "Dead-lettered", color: "red", stack: "outcome" },
];

export function PipelineChart({ hours }: { hours: HourOverview[] }) {
  if (hours.every((h) => h.received + h.rejected + h.processed + h.deadLettered === 0)) {
    return <EmptyState title="No traffic in this range">No webhook reached the receiver.</EmptyState>;
  }
  return (
    <StackedBarChart
      label="Events per hour: received and rejected, processed and dead-lettered"
      series={SERIES}
      buckets={hours.map((h) => ({ at: h.hour, values: { received: h.received, rejected: h.rejected, processed: h.processed, deadLettered: h.deadLettered } }))}
    />
  );
}
