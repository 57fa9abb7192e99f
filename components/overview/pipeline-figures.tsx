import { formatCount } from "@/components/format/numbers";
import { StatCard, StatGrid } from "@/components/ui/stat-card";
import type { PipelineCounts } from "@/lib/dal/overview";

export function PipelineFigures({ totals, rangeLabel }: { totals: PipelineCounts; rangeLabel: string }) {
  return (
    <StatGrid label={`Pipeline totals, ${rangeLabel.toLowerCase()}`}>
      <StatCard label="Received" value={formatCount(totals.received)} hint={`+ ${formatCount(totals.duplicates)} duplicate deliveries`} />
      <StatCard label="Processed" value={formatCount(totals.processed)} tone={totals.processed > 0 ? "good" : "default"} />
      <StatCard label="Dead-lettered" value={formatCount(totals.deadLettered)} tone={totals.deadLettered > 0 ? "bad" : "default"} hint={totals.deadLettered > 0 ? "See Dead letters" : "None"} />
      <StatCard
        label="Rejected"
        value={formatCount(totals.rejected)}
        tone={totals.signatureRejections > 0 ? "bad" : totals.rejected > 0 ? "warn" : "default"}
        hint={`${formatCount(totals.signatureRejections)} signature failures`}
      />
    </StatGrid>
  );
}
