import Link from "next/link";
import { EventStatusBadge, ModeBadge, OutcomeBadge } from "@/components/badges/event-badges";
import { vehicleHref } from "@/components/url/hrefs";
import { FieldList } from "@/components/ui/field-list";
import { Timestamp } from "@/components/ui/timestamp";
import type { EventResource } from "@/lib/dal/events";

export function EventSummary({ event, now }: { event: EventResource; now: Date }) {
  return (
    <FieldList
      fields={[
        { label: "Type", value: <span className="font-mono">{event.eventType}</span> },
        { label: "Status", value: <EventStatusBadge status={event.status} /> },
        { label: "Outcome", value: <OutcomeBadge outcome={event.outcome} /> },
        {
          label: "Vehicle",
          value: event.vehicleId ? (
            <Link href={vehicleHref(event.vehicleId)} className="font-mono text-sky-800 underline underline-offset-2 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-700">
              {event.vehicleId}
            </Link>
          ) : (
            <span className="text-slate-600">none in the payload</span>
          ),
        },
        { label: "Mode", value: <ModeBadge mode={event.mode} /> },
        { label: "Received", value: <Timestamp iso={event.receivedAt} now={now} /> },
        { label: "Dispatched", value: <Timestamp iso={event.dispatchedAt} now={now} /> },
        { label: "Processed", value: <Timestamp iso={event.processedAt} now={now} /> },
        { label: "Deliveries · attempts · re-drives", value: `${event.deliveries} · ${event.attempts} · ${event.redrives}` },
        {
          label: "Signals applied · stale · failed",
          value: (
            <span className="tabular-nums">
              {event.signals.applied} · {event.signals.stale} · <span className={event.signals.failed > 0 ? "font-semibold text-red-800" : ""}>{event.signals.failed}</span>
            </span>
          ),
        },
      ]}
    />
  );
}

/** Why the event is dead-lettered (or failed last): shown above everything else when present. */
export function EventErrorNotice({ error }: { error: NonNullable<EventResource["error"]> }) {
  return (
    <div role="note" className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-900">
      <p className="font-semibold">
        {error.reason ?? "Processing failed"}
        {error.at && (
          <span className="font-normal">
            {" "}
            · <Timestamp iso={error.at} />
          </span>
        )}
      </p>
      {error.message && <p className="mt-1 break-words font-mono text-xs">{error.message}</p>}
    </div>
  );
}
