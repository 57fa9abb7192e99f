import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { EventTable } from "@/components/events/event-table";
import { FilterBar } from "@/components/filters/filter-bar";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { ChartSkeleton, TableSkeleton } from "@/components/ui/skeleton";
import { Widget } from "@/components/ui/widget";
import { presetRange, RANGE_FIELD, RANGE_PRESETS, rangePreset } from "@/components/url/range-presets";
import { single, type SearchParamsRecord } from "@/components/url/search-params";
import { ConditionList } from "@/components/vehicles/condition-list";
import { SignalChart, type SignalChartSpec } from "@/components/vehicles/signal-chart";
import { SignalTable } from "@/components/vehicles/signal-table";
import { VehicleHeaderFacts } from "@/components/vehicles/vehicle-header-facts";
import { vehicleName } from "@/components/vehicles/vehicle-name";
import { requireUser } from "@/lib/auth/session";
import type { UserPrincipal } from "@/lib/auth/session-user";
import { listEvents } from "@/lib/dal/event-list";
import { getVehicleHistory } from "@/lib/dal/vehicle-history";
import { getVehicleResource, type VehicleResource } from "@/lib/dal/vehicles";

export const metadata: Metadata = { title: "Vehicle · Smartcar Monitor" };

const RECENT_EVENTS = 10;

const CHARTS: { code: string; spec: SignalChartSpec }[] = [
  { code: "tractionbattery-stateofcharge", spec: { title: "Battery", unit: " %", color: "green" } },
  { code: "tractionbattery-range", spec: { title: "Range", unit: " km", color: "blue" } },
  { code: "odometer-traveleddistance", spec: { title: "Odometer", unit: " km", color: "slate" } },
  { code: "charge-ischarging", spec: { title: "Charging", unit: "", color: "amber", isState: true } },
];

export default async function VehiclePage({ params, searchParams }: { params: Promise<{ vehicleId: string }>; searchParams: Promise<SearchParamsRecord> }) {
  const user = await requireUser("viewer");
  const vehicleId = decodeURIComponent((await params).vehicleId);
  const now = new Date();
  const vehicle = await getVehicleResource(vehicleId, { viewerRole: user.role, now });
  if (!vehicle) notFound();
  const preset = rangePreset(single((await searchParams).range));
  const range = presetRange(preset, now);
  const open = vehicle.conditions.filter((c) => c.state === "ERROR");
  const resolved = vehicle.conditions.filter((c) => c.state !== "ERROR");
  return (
    <>
      <PageHeader title={vehicleName(vehicle)} back={{ href: "/vehicles", label: "Vehicles" }} />
      <div className="space-y-6">
        <Card title="Vehicle">
          <VehicleHeaderFacts vehicle={vehicle} now={now} />
        </Card>
        <Card title="Signals" description="Latest value of each signal. A failed signal keeps its last good value; Unsupported means this car cannot report it.">
          <SignalTable signals={vehicle.signals} now={now} />
        </Card>
        <section aria-label="History">
          <div className="mb-2 flex flex-wrap items-end justify-between gap-2">
            <h2 className="text-lg font-semibold text-slate-900">History · {RANGE_PRESETS[preset].label.toLowerCase()}</h2>
          </div>
          <FilterBar label="History range" fields={[RANGE_FIELD]} />
          <div className="grid gap-4 lg:grid-cols-2">
            {CHARTS.map(({ code, spec }) => (
              <Card key={code} title={spec.title}>
                <Widget title={`${spec.title} history`} fallback={<ChartSkeleton height={200} label={`Loading ${spec.title.toLowerCase()} history`} />}>
                  <History user={user} vehicleId={vehicle.vehicleId} code={code} spec={withReportedUnit(spec, code, vehicle)} from={range.from} to={range.to} />
                </Widget>
              </Card>
            ))}
          </div>
        </section>
        <div className="grid gap-4 lg:grid-cols-2">
          <Card title={`Open conditions (${open.length})`} description="Reported by Smartcar about the vehicle: not pipeline failures.">
            <ConditionList conditions={open} now={now} state="open" />
          </Card>
          <Card title={`Resolved conditions (${resolved.length})`}>
            <ConditionList conditions={resolved} now={now} state="resolved" />
          </Card>
        </div>
        <Card
          title="Recent events"
          actions={
            <Link href={`/events?vehicleId=${encodeURIComponent(vehicle.vehicleId)}`} className="text-sm text-sky-800 underline underline-offset-2 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-700">
              All events of this vehicle →
            </Link>
          }
        >
          <Widget title="Recent events" fallback={<TableSkeleton rows={5} label="Loading recent events" />}>
            <RecentEvents user={user} vehicleId={vehicle.vehicleId} now={now} />
          </Widget>
        </Card>
      </div>
    </>
  );
}

// History values are stored as reported; a car set to miles reports miles.
function withReportedUnit(spec: SignalChartSpec, code: string, vehicle: VehicleResource): SignalChartSpec {
  const reported = vehicle.signals.find((s) => s.code === code)?.unit;
  return reported === "miles" || reported === "mi" ? { ...spec, unit: " mi" } : spec;
}

async function History({ user, vehicleId, code, spec, from, to }: { user: UserPrincipal; vehicleId: string; code: string; spec: SignalChartSpec; from: Date; to: Date }) {
  const history = await getVehicleHistory(user, vehicleId, { signal: code, from, to }, { now: to });
  if (!history) return <EmptyState title="This vehicle is gone">It was removed while the page loaded.</EmptyState>;
  return <SignalChart spec={spec} points={history.points} from={history.from} to={history.to} bucketSeconds={history.bucketSeconds} />;
}

async function RecentEvents({ user, vehicleId, now }: { user: UserPrincipal; vehicleId: string; now: Date }) {
  const page = await listEvents(user, { vehicleId, limit: RECENT_EVENTS });
  return <EventTable events={page.items} now={now} caption="Recent events of this vehicle" empty={<EmptyState title="No events">None stored for this vehicle.</EmptyState>} />;
}
