import { DataTable } from "@/components/table/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { Timestamp } from "@/components/ui/timestamp";
import { Freshness } from "@/components/vehicles/freshness";
import { SignalNameCell, SignalStatusCell } from "@/components/vehicles/signal-cells";
import { SignalValue } from "@/components/vehicles/signal-value";

export interface SignalRow {
  code: string;
  name: string | null;
  group: string | null;
  status: string;
  body: unknown;
  unit: string | null;
  oemUpdatedAt: string | null;
  retrievedAt: string | null;
  since: string;
  error: { type: string; code: string | null } | null;
}

/** Every signal's latest value. A failed signal keeps its last good value, shown beside the error. */
export function SignalTable({ signals, now }: { signals: SignalRow[]; now: Date }) {
  return (
    <DataTable
      caption="Latest value of every signal"
      rows={signals}
      rowKey={(s) => s.code}
      empty={<EmptyState title="No signals yet">This vehicle has not reported any signal.</EmptyState>}
      columns={[
        { header: "Signal", cell: (s) => <SignalNameCell code={s.code} name={s.name} group={s.group} /> },
        { header: "Value", cell: (s) => <SignalValue body={s.body} unit={s.unit} /> },
        { header: "Status", cell: (s) => <SignalStatusCell status={s.status} error={s.error} /> },
        { header: "Since", cell: (s) => <Timestamp iso={s.since} now={now} />, hideBelow: "lg" },
        { header: "Reported", cell: (s) => <Freshness at={s.oemUpdatedAt ?? s.retrievedAt} now={now} /> },
      ]}
    />
  );
}
