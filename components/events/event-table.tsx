import Link from "next/link";
import type { ReactNode } from "react";
import { EventStatusBadge, ModeBadge, OutcomeBadge } from "@/components/badges/event-badges";
import { EventId } from "@/components/events/event-id";
import { eventHref, vehicleHref } from "@/components/url/hrefs";
import { DataTable, type Column } from "@/components/table/data-table";
import { Timestamp } from "@/components/ui/timestamp";
import type { EventResource } from "@/lib/dal/events";

/** Events newest first, each row opening the event. `leading` adds a first column (a selection checkbox). */
export function EventTable({ events, now, empty, caption = "Events", leading }: {
  events: EventResource[];
  now: Date;
  empty: ReactNode;
  caption?: string;
  leading?: Column<EventResource>;
}) {
  const columns: Column<EventResource>[] = [
    {
      header: "Event",
      cell: (e) => (
        <>
          <EventId id={e.eventId} />
          <span className="block text-xs font-normal text-slate-600">{e.eventType}</span>
        </>
      ),
    },
    { header: "Status", cell: (e) => <EventStatusBadge status={e.status} /> },
    { header: "Outcome", cell: (e) => (e.status === "DEAD_LETTERED" ? <Reason reason={e.error?.reason ?? null} /> : <OutcomeBadge outcome={e.outcome} />), hideBelow: "md" },
    {
      header: "Vehicle",
      interactive: true,
      cell: (e) =>
        e.vehicleId ? (
          <Link href={vehicleHref(e.vehicleId)} className="font-mono text-xs text-sky-800 underline-offset-2 hover:underline focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-700">
            {e.vehicleId.slice(0, 8)}…
          </Link>
        ) : (
          <span className="text-slate-500">none</span>
        ),
      hideBelow: "lg",
    },
    { header: "Mode", cell: (e) => <ModeBadge mode={e.mode} />, hideBelow: "lg" },
    { header: "Received", cell: (e) => <Timestamp iso={e.receivedAt} now={now} /> },
    {
      header: <abbr title="Deliveries / processing attempts">Del. / att.</abbr>,
      cell: (e) => `${e.deliveries} / ${e.attempts}`,
      align: "right",
      hideBelow: "md",
    },
    {
      header: <abbr title="Signals applied / stale / failed">Signals</abbr>,
      cell: (e) => <SignalCounts counts={e.signals} />,
      align: "right",
      hideBelow: "md",
    },
  ];
  return (
    <DataTable
      caption={caption}
      rows={events}
      rowKey={(e) => e.eventId}
      rowHref={(e) => eventHref(e.eventId)}
      empty={empty}
      columns={leading ? [leading, ...columns] : columns}
    />
  );
}

function Reason({ reason }: { reason: string | null }) {
  return <span className="font-mono text-xs text-red-800">{reason ?? "unknown reason"}</span>;
}

function SignalCounts({ counts }: { counts: EventResource["signals"] }) {
  return (
    <span className="whitespace-nowrap text-xs">
      <span className="text-emerald-800">{counts.applied}</span> / <span className="text-slate-600">{counts.stale}</span> /{" "}
      <span className={counts.failed > 0 ? "font-semibold text-red-800" : "text-slate-600"}>{counts.failed}</span>
    </span>
  );
}
