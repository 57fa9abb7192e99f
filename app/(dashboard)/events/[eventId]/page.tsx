import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { AttemptList } from "@/components/events/attempt-list";
import { DeliveryTable } from "@/components/events/delivery-table";
import { EventSignalTable } from "@/components/events/event-signal-table";
import { EventErrorNotice, EventSummary } from "@/components/events/event-summary";
import { LatencyChain, type LatencyStep } from "@/components/events/latency-chain";
import { PayloadPanel } from "@/components/events/payload-panel";
import { RedriveControl } from "@/components/events/redrive-control";
import { AutoRefresh } from "@/components/refresh/auto-refresh";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { CardSkeleton, TableSkeleton } from "@/components/ui/skeleton";
import { Widget } from "@/components/ui/widget";
import { hasRole } from "@/lib/auth/roles";
import { requireUser } from "@/lib/auth/session";
import type { UserPrincipal } from "@/lib/auth/session-user";
import { getEventPayload } from "@/lib/dal/event-payload";
import { getEventResource, listEventAttempts, listEventDeliveries, listEventSignals, type EventSignalDto } from "@/lib/dal/events";
import { AppError } from "@/lib/errors";
import { seesPreciseLocation } from "@/lib/vehicles/redact-location";
import { redriveEventAction } from "../../_actions/redrive-event";

export const metadata: Metadata = { title: "Event · Smartcar Monitor" };

// While the event is on its way (after a re-drive, say) the page follows it.
const FOLLOW_SECONDS = 3;

// The latency chain and the delivery table read the same rows: one query per request.
const deliveries = cache((eventId: string) => listEventDeliveries(eventId));
const signals = cache(async (eventId: string, user: UserPrincipal): Promise<EventSignalDto[]> => {
  try {
    return (await listEventSignals(eventId, { viewerRole: user.role })) ?? [];
  } catch (err) {
    // A purged payload has no signals left to list; the payload panel says why.
    if (err instanceof AppError && err.code === "PAYLOAD_PURGED") return [];
    throw err;
  }
});

export default async function EventPage({ params }: { params: Promise<{ eventId: string }> }) {
  const user = await requireUser("viewer");
  const eventId = decodeURIComponent((await params).eventId);
  const event = await getEventResource(eventId);
  if (!event) notFound();
  const now = new Date();
  const isInFlight = event.status === "PENDING" || event.status === "PROCESSING";
  return (
    <>
      <PageHeader
        title={<span className="font-mono text-xl">{event.eventId}</span>}
        description={`${event.eventType} event`}
        back={{ href: "/events", label: "Events" }}
        actions={
          <>
            {isInFlight && <AutoRefresh seconds={FOLLOW_SECONDS} />}
            {hasRole(user.role, "support") && <RedriveControl eventId={event.eventId} status={event.status} action={redriveEventAction} />}
          </>
        }
      />
      <div className="space-y-6">
        {event.error && <EventErrorNotice error={event.error} />}
        <Card title="Summary">
          <EventSummary event={event} now={now} />
        </Card>
        <Card title="Latency" description="From the car's reading to our database. Stamps come from three clocks: the car, Smartcar and us.">
          <Widget title="Latency" fallback={<CardSkeleton lines={2} label="Loading latency" />}>
            <Latency eventId={event.eventId} user={user} receivedAt={event.receivedAt} processedAt={event.processedAt} />
          </Widget>
        </Card>
        <Card title="Deliveries" description="One row per HTTP attempt from Smartcar that reached storage; retries included.">
          <Widget title="Deliveries" fallback={<TableSkeleton rows={2} label="Loading deliveries" />}>
            <Deliveries eventId={event.eventId} />
          </Widget>
        </Card>
        <Card title="Processing attempts">
          <Widget title="Processing attempts" fallback={<CardSkeleton label="Loading processing attempts" />}>
            <Attempts eventId={event.eventId} />
          </Widget>
        </Card>
        <Card title="Signals" description={`As the payload reported them, each with its outcome: applied (${event.signals.applied}), stale (${event.signals.stale}) or failed (${event.signals.failed}).`}>
          <Widget title="Signals" fallback={<TableSkeleton rows={6} label="Loading signals" />}>
            <Signals eventId={event.eventId} user={user} />
          </Widget>
        </Card>
        <Card title="Raw payload">
          <Widget title="Raw payload" fallback={<CardSkeleton lines={8} label="Loading raw payload" />}>
            <Payload eventId={event.eventId} user={user} />
          </Widget>
        </Card>
      </div>
    </>
  );
}

async function Latency({ eventId, user, receivedAt, processedAt }: { eventId: string; user: UserPrincipal; receivedAt: string; processedAt: string | null }) {
  const [rows, readings] = await Promise.all([deliveries(eventId), signals(eventId, user)]);
  // The newest reading: how old the freshest data in the event was when it landed.
  const newest = (pick: (s: EventSignalDto) => string | null) => readings.map(pick).filter((t) => t !== null).sort().at(-1) ?? null;
  const steps: LatencyStep[] = [
    { label: "OEM updated", source: "the car", at: newest((s) => s.oemUpdatedAt) },
    { label: "Retrieved", source: "Smartcar fetched it", at: newest((s) => s.retrievedAt) },
    { label: "Delivered", source: "Smartcar sent it", at: rows?.[0]?.deliveredAt ?? null },
    { label: "Received", source: "stored by us", at: receivedAt },
    { label: "Processed", source: "applied by us", at: processedAt },
  ];
  return <LatencyChain steps={steps} />;
}

async function Deliveries({ eventId }: { eventId: string }) {
  return <DeliveryTable deliveries={(await deliveries(eventId)) ?? []} />;
}

async function Attempts({ eventId }: { eventId: string }) {
  return <AttemptList attempts={(await listEventAttempts(eventId)) ?? []} />;
}

async function Signals({ eventId, user }: { eventId: string; user: UserPrincipal }) {
  return <EventSignalTable signals={await signals(eventId, user)} />;
}

async function Payload({ eventId, user }: { eventId: string; user: UserPrincipal }) {
  const payload = await getEventPayload(user, eventId);
  if (!payload) return <EmptyState title="This event is gone">It was removed while the page loaded.</EmptyState>;
  return <PayloadPanel payload={payload} isRedacted={!seesPreciseLocation(user.role)} />;
}
