import { DataTable } from "@/components/table/data-table";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { Timestamp } from "@/components/ui/timestamp";
import { SignalNameCell, SignalStatusCell } from "@/components/vehicles/signal-cells";
import { SignalValue } from "@/components/vehicles/signal-value";
import type { EventSignalDto, SignalOutcome } from "@/lib/dal/events";

const OUTCOME: Record<SignalOutcome, { tone: BadgeTone; label: string; title: string }> = {
  APPLIED: { tone: "success", label: "Applied", title: "Newer than the stored value: it became the vehicle's latest" },
  STALE: { tone: "muted", label: "Stale", title: "Not newer than the stored value: kept in history, the vehicle's state unchanged" },
  FAILED: { tone: "danger", label: "Failed", title: "The car reported an error for this signal" },
};

function OutcomeBadge({ outcome }: { outcome: SignalOutcome | null }) {
  if (!outcome) return <span className="text-xs text-slate-500" title="Not processed into vehicle state, or processed before per-signal outcomes were kept">—</span>;
  const spec = OUTCOME[outcome];
  return (
    <Badge tone={spec.tone} title={spec.title}>
      {spec.label}
    </Badge>
  );
}

/** The signals as this event's payload reported them (not what the vehicle holds now), and what processing made of each. */
export function EventSignalTable({ signals }: { signals: EventSignalDto[] }) {
  return (
    <DataTable
      caption="Signals in this event"
      rows={signals}
      rowKey={(s) => s.code}
      empty={<EmptyState title="No signals">This event type carries no signals.</EmptyState>}
      columns={[
        { header: "Signal", cell: (s) => <SignalNameCell code={s.code} name={s.name} group={s.group} /> },
        { header: "Value", cell: (s) => <SignalValue body={s.body} unit={s.unit} /> },
        { header: "Status", cell: (s) => <SignalStatusCell status={s.status} error={s.error} /> },
        { header: "Outcome", cell: (s) => <OutcomeBadge outcome={s.outcome} /> },
        { header: "OEM updated", cell: (s) => <Timestamp iso={s.oemUpdatedAt} />, hideBelow: "md" },
        { header: "Retrieved", cell: (s) => <Timestamp iso={s.retrievedAt} />, hideBelow: "lg" },
      ]}
    />
  );
}
