import type { Metadata } from "next";
import { cache } from "react";
import { Card } from "@/components/ui/card";
import { FilterBar } from "@/components/filters/filter-bar";
import { AlertHeadline } from "@/components/overview/alert-headline";
import { BacklogFigures } from "@/components/overview/backlog-figures";
import { LatencyFigures } from "@/components/overview/latency-figures";
import { PipelineChart } from "@/components/overview/pipeline-chart";
import { PipelineFigures } from "@/components/overview/pipeline-figures";
import { VehicleAttention } from "@/components/overview/vehicle-attention";
import { AutoRefresh } from "@/components/refresh/auto-refresh";
import { PageHeader } from "@/components/ui/page-header";
import { CardSkeleton, ChartSkeleton, StatGridSkeleton, TableSkeleton } from "@/components/ui/skeleton";
import { Widget } from "@/components/ui/widget";
import { presetRange, RANGE_FIELD, RANGE_PRESETS, rangePreset } from "@/components/url/range-presets";
import { single, type SearchParamsRecord } from "@/components/url/search-params";
import type { UserPrincipal } from "@/lib/auth/session-user";
import { requireUser } from "@/lib/auth/session";
import { countLiveAlerts } from "@/lib/dal/alerts";
import { getOverview } from "@/lib/dal/overview";
import { HEALTH_VALUES, listVehicles } from "@/lib/dal/vehicle-list";

export const metadata: Metadata = { title: "Overview · Smartcar Monitor" };

const REFRESH_SECONDS = 30;
const ATTENTION_PER_HEALTH = 5;

// Several widgets read one overview: cache() makes that one query per request, whichever
// widget's Suspense boundary asks first.
const overview = cache((user: UserPrincipal, from: number, to: number) => getOverview(user, { from: new Date(from), to: new Date(to) }, { now: new Date(to) }));

export default async function OverviewPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const user = await requireUser("viewer");
  const preset = rangePreset(single((await searchParams).range));
  const now = new Date();
  const range = presetRange(preset, now);
  const load = () => overview(user, range.from.getTime(), range.to.getTime());
  const rangeLabel = RANGE_PRESETS[preset].label;
  return (
    <>
      <PageHeader title="Overview" description="Is the pipeline keeping up, and which vehicles need someone?" actions={<AutoRefresh seconds={REFRESH_SECONDS} />} />
      <FilterBar label="Overview range" fields={[RANGE_FIELD]} />
      <div className="space-y-6">
        <Widget title="Live alerts" fallback={<CardSkeleton lines={1} label="Loading live alerts" />}>
          <LiveAlerts user={user} />
        </Widget>
        <Widget title="Backlog" fallback={<StatGridSkeleton label="Loading backlog" />}>
          <Backlog load={load} />
        </Widget>
        <Widget title="Pipeline totals" fallback={<StatGridSkeleton label="Loading totals" />}>
          <Totals load={load} rangeLabel={rangeLabel} />
        </Widget>
        <Card title="Events per hour" description={`${rangeLabel}, UTC hours. Left bar: what arrived; right bar: what became of it.`}>
          <Widget title="Events per hour" fallback={<ChartSkeleton label="Loading events per hour" />}>
            <Hourly load={load} />
          </Widget>
        </Card>
        <Widget title="Latency" fallback={<CardSkeleton lines={2} label="Loading latency" />}>
          <Latency load={load} />
        </Widget>
        <Card title="Vehicles needing attention" description="Re-auth first, then open errors, then silent vehicles.">
          <Widget title="Vehicles needing attention" fallback={<TableSkeleton rows={5} label="Loading vehicles needing attention" />}>
            <Attention user={user} now={now} />
          </Widget>
        </Card>
      </div>
    </>
  );
}

type LoadOverview = () => ReturnType<typeof getOverview>;

async function LiveAlerts({ user }: { user: UserPrincipal }) {
  return <AlertHeadline counts={await countLiveAlerts(user)} />;
}

async function Backlog({ load }: { load: LoadOverview }) {
  const { backlog, vehicles } = await load();
  return <BacklogFigures backlog={backlog} vehicles={vehicles} />;
}

async function Totals({ load, rangeLabel }: { load: LoadOverview; rangeLabel: string }) {
  return <PipelineFigures totals={(await load()).totals} rangeLabel={rangeLabel} />;
}

async function Hourly({ load }: { load: LoadOverview }) {
  return <PipelineChart hours={(await load()).hours} />;
}

async function Latency({ load }: { load: LoadOverview }) {
  const { receiveLatencyMs, processingLagMs } = await load();
  return <LatencyFigures receive={receiveLatencyMs} lag={processingLagMs} />;
}

async function Attention({ user, now }: { user: UserPrincipal; now: Date }) {
  const unhealthy = HEALTH_VALUES.filter((h) => h !== "OK");
  const pages = await Promise.all(unhealthy.map((health) => listVehicles(user, { health, limit: ATTENTION_PER_HEALTH }, { now })));
  return (
    <VehicleAttention
      vehicles={pages.flatMap((p) => p.items)}
      now={now}
      moreLinks={unhealthy.filter((_, i) => pages[i]?.nextCursor).map((health) => ({ href: `/vehicles?health=${health}`, label: `All ${health.toLowerCase().replace("_", " ")} vehicles →` }))}
    />
  );
}
