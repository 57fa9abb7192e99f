import { SignalStatusBadge } from "@/components/badges/vehicle-badges";
import { DataTable } from "@/components/table/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { Timestamp } from "@/components/ui/timestamp";
import { SignalValue } from "@/components/vehicles/signal-value";
import type { EventSignalDto } from "@/lib/dal/events";

/** The signals as this event's payload reported them (not what the vehicle holds now). */
export function EventSignalTable({ signals }: { signals: EventSignalDto[] }) {
  return (
    <DataTable
      caption="Signals in this event"
      rows={signals}
      rowKey={(s) => s.code}
      empty={<EmptyState title="No signals">This event type carries no signals.</EmptyState>}
      columns={[
        {
          header: "Signal",
          cell: (s) => (
            <>
              <span className="font-medium">{s.group && s.name ? `${s.group} · ${s.name}` : s.code}</span>
              <span className="block font-mono text-[11px] text-slate-500">{s.code}</span>
            </>
          ),
        },
        { header: "Value", cell: (s) => <SignalValue body={s.body} unit={s.unit} /> },
        {
          header: "Status",
          cell: (s) => (
            <>
              <SignalStatusBadge status={s.status} />
              {s.error && (
                <span className="mt-1 block font-mono text-[11px] text-slate-600">
                  {s.error.type}
                  {s.error.code ? `/${s.error.code}` : ""}
                </span>
              )}
            </>
          ),
        },
        { header: "OEM updated", cell: (s) => <Timestamp iso={s.oemUpdatedAt} />, hideBelow: "md" },
        { header: "Retrieved", cell: (s) => <Timestamp iso={s.retrievedAt} />, hideBelow: "lg" },
      ]}
    />
  );
}
