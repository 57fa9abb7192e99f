import { StackedBarChart, type BarSeries } from "@/components/charts/stacked-bar-chart";
import { EmptyState } from "@/components/ui/empty-state";
import type { ErrorHour } from "@/lib/dal/error-breakdown";

const SERIES: BarSeries[] = [
  { key: "signature", label: "Rejected: signature", color: "red", stack: "rejected" },
  { key: "otherRejections", label: "Rejected: other", color: "orange", stack: "rejected" },
  { key: "deadLettered", label: "Dead-lettered", color: "purple", stack: "dead" },
];

const SIGNATURE_REASONS = new Set(["SIGNATURE_MISSING", "SIGNATURE_MISMATCH"]);

const sum = (counts: Record<string, number>, keep: (key: string) => boolean = () => true) =>
  Object.entries(counts).reduce((total, [key, n]) => (keep(key) ? total + n : total), 0);

/** Delivery and processing failures per hour: what the receiver refused, and what processing gave up on. */
export function FailuresChart({ hours }: { hours: ErrorHour[] }) {
  if (hours.every((h) => sum(h.rejected) + sum(h.deadLettered) === 0)) return <EmptyState title="No failures in this range" />;
  return (
    <StackedBarChart
      label="Rejected deliveries and dead-lettered events per hour"
      series={SERIES}
      buckets={hours.map((h) => ({
        at: h.hour,
        values: {
          signature: sum(h.rejected, (reason) => SIGNATURE_REASONS.has(reason)),
          otherRejections: sum(h.rejected, (reason) => !SIGNATURE_REASONS.has(reason)),
          deadLettered: sum(h.deadLettered),
        },
      }))}
    />
  );
}
