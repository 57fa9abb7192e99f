import { StackedBarChart, type BarSeries } from "@/components/charts/stacked-bar-chart";
import { EmptyState } from "@/components/ui/empty-state";
import type { HourOverview } from "@/lib/dal/overview";

const SERIES: BarSeries[] = [
  { key: "signature", label: "Rejected: signature", color: "red", stack: "rejected" },
  { key: "otherRejections", label: "Rejected: other", color: "orange", stack: "rejected" },
  { key: "deadLettered", label: "Dead-lettered", color: "purple", stack: "dead" },
];

/** Delivery and processing failures per hour: what the receiver refused, and what processing gave up on. */
export function FailuresChart({ hours }: { hours: HourOverview[] }) {
  if (hours.every((h) => h.rejected + h.deadLettered === 0)) return <EmptyState title="No failures in this range" />;
  return (
    <StackedBarChart
      label="Rejected deliveries and dead-lettered events per hour"
      series={SERIES}
      buckets={hours.map((h) => ({
        at: h.hour,
        values: { signature: h.signatureRejections, otherRejections: h.rejected - h.signatureRejections, deadLettered: h.deadLettered },
      }))}
    />
  );
}
