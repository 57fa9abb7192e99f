import type { ReactNode } from "react";
import { EventId } from "@/components/events/event-id";
import { eventHref } from "@/components/url/hrefs";
import { DataTable, type Column } from "@/components/table/data-table";
import { Timestamp } from "@/components/ui/timestamp";
import type { EventResource } from "@/lib/dal/events";

/**
 * Dead-lettered events with why and how often they failed. With `selectionFormId` each row gets
 * a checkbox belonging to that form (the HTML `form` attribute), so the table stays
 * server-rendered and the selection form can live elsewhere on the page.
 */
export function DeadLetterTable({ events, now, empty, selectionFormId }: { events: EventResource[]; now: Date; empty: ReactNode; selectionFormId?: string }) {
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
    {
      header: "Reason",
      cell: (e) => (
        <>
          <span className="font-mono text-xs font-medium text-red-800">{e.error?.reason ?? "unknown"}</span>
          {e.error?.message && <span className="block max-w-[16rem] truncate text-xs text-slate-600 lg:max-w-md" title={e.error.message}>{e.error.message}</span>}
        </>
      ),
    },
    { header: "Attempts", cell: (e) => e.attempts, align: "right" },
    { header: "Re-drives", cell: (e) => e.redrives, align: "right", hideBelow: "lg" },
    { header: "Dead-lettered", cell: (e) => <Timestamp iso={e.error?.at ?? null} now={now} /> },
    { header: "Received", cell: (e) => <Timestamp iso={e.receivedAt} now={now} />, hideBelow: "lg" },
  ];
  const selection: Column<EventResource> | null = selectionFormId
    ? {
        header: <span className="sr-only">Select</span>,
        interactive: true,
        cell: (e) => (
          <input
            type="checkbox"
            name="eventId"
            value={e.eventId}
            form={selectionFormId}
            aria-label={`Select event ${e.eventId}`}
            className="h-4 w-4 rounded border-slate-400 text-sky-700 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-700"
          />
        ),
      }
    : null;
  return (
    <DataTable
      caption="Dead-lettered events"
      rows={events}
      rowKey={(e) => e.eventId}
      rowHref={(e) => eventHref(e.eventId)}
      empty={empty}
      columns={selection ? [selection, ...columns] : columns}
    />
  );
}
