import type { Metadata } from "next";
import { cache } from "react";
import { BreakdownSection } from "@/components/errors/breakdown-section";
import { FailuresChart } from "@/components/errors/failures-chart";
import { TrendChart } from "@/components/errors/trend-chart";
import { FilterBar } from "@/components/filters/filter-bar";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { CardSkeleton, ChartSkeleton } from "@/components/ui/skeleton";
import { Widget } from "@/components/ui/widget";
import { presetRange, RANGE_FIELD, RANGE_PRESETS, rangePreset } from "@/components/url/range-presets";
import { single, type SearchParamsRecord } from "@/components/url/search-params";
import { requireUser } from "@/lib/auth/session";
import type { UserPrincipal } from "@/lib/auth/session-user";
import { GROUP_BY, getErrorBreakdown, type GroupBy } from "@/lib/dal/error-breakdown";

export const metadata: Metadata = { title: "Errors · Smartcar Monitor" };

const GROUP_LABELS: Record<GroupBy, string> = { type: "Type", code: "Type and code", signal: "Signal", make: "Make" };

// The three sections and their trends read one breakdown: one query per request.
const breakdown = cache((user: UserPrincipal, groupBy: GroupBy, from: number, to: number) =>
  getErrorBreakdown(user, { groupBy, from: new Date(from), to: new Date(to) }, { now: new Date(to) }),
);

export default async function ErrorsPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const user = await requireUser("viewer");
  const params = await searchParams;
  const preset = rangePreset(single(params.range));
  const groupBy = GROUP_BY.find((g) => g === single(params.groupBy)) ?? "type";
  const range = presetRange(preset, new Date());
  const load = () => breakdown(user, groupBy, range.from.getTime(), range.to.getTime());
  return (
    <>
      <PageHeader
        title="Errors"
        description="Three different things, kept apart: signals a car failed to report, conditions Smartcar raised about a vehicle, and deliveries or events our pipeline refused or gave up on."
      />
      <FilterBar
        label="Error breakdown options"
        fields={[
          RANGE_FIELD,
          { kind: "select", name: "groupBy", label: "Group by", allLabel: GROUP_LABELS.type, options: GROUP_BY.filter((g) => g !== "type").map((g) => ({ value: g, label: GROUP_LABELS[g] })) },
        ]}
      />
      <div className="space-y-6">
        <Card title="Signal errors" description={`Failed signals inside VEHICLE_STATE events, by ${GROUP_LABELS[groupBy].toLowerCase()} · ${RANGE_PRESETS[preset].label.toLowerCase()}.`}>
          <div className="space-y-4">
            <Widget title="Signal errors per hour" fallback={<ChartSkeleton label="Loading signal errors per hour" />}>
              <SignalErrorsOverTime load={load} />
            </Widget>
            <Widget title="Signal errors" fallback={<ChartSkeleton label="Loading signal errors" />}>
              <SignalErrors load={load} />
            </Widget>
          </div>
        </Card>
        <Card title="Vehicle conditions" description={`VEHICLE_ERROR conditions opened in the range, and those open right now, by ${GROUP_LABELS[groupBy].toLowerCase()}.`}>
          <div className="space-y-4">
            <Widget title="Conditions opened per hour" fallback={<ChartSkeleton label="Loading conditions opened per hour" />}>
              <ConditionsOverTime load={load} />
            </Widget>
            <Widget title="Vehicle conditions" fallback={<ChartSkeleton label="Loading vehicle conditions" />}>
              <Conditions load={load} />
            </Widget>
          </div>
        </Card>
        <Card title="Delivery and processing failures" description="Requests the receiver refused, and events processing dead-lettered.">
          <div className="space-y-4">
            <Widget title="Failures per hour" fallback={<ChartSkeleton label="Loading failures per hour" />}>
              <FailuresOverTime load={load} />
            </Widget>
            <Widget title="Failure breakdown" fallback={<CardSkeleton label="Loading failure breakdown" />}>
              <Failures load={load} />
            </Widget>
          </div>
        </Card>
      </div>
    </>
  );
}

type LoadBreakdown = () => ReturnType<typeof getErrorBreakdown>;

async function SignalErrorsOverTime({ load }: { load: LoadBreakdown }) {
  const { hours } = await load();
  return <TrendChart label="Signal errors per hour, by type" hours={hours.map((h) => ({ hour: h.hour, counts: h.signalErrors }))} emptyTitle="No signal errors in this range" />;
}

async function ConditionsOverTime({ load }: { load: LoadBreakdown }) {
  const { hours } = await load();
  return (
    <TrendChart label="Vehicle conditions opened per hour, by type" hours={hours.map((h) => ({ hour: h.hour, counts: h.vehicleConditions }))} emptyTitle="No condition opened in this range" />
  );
}

async function SignalErrors({ load }: { load: LoadBreakdown }) {
  const { signalErrors } = await load();
  return <BreakdownSection groups={signalErrors.groups} total={signalErrors.total} color="red" caption="Signal errors by group" emptyTitle="No signal errors in this range" />;
}

async function Conditions({ load }: { load: LoadBreakdown }) {
  const { vehicleConditions } = await load();
  return (
    <div className="space-y-6">
      <div>
        <h3 className="mb-2 text-sm font-semibold text-slate-800">Opened in the range ({vehicleConditions.total})</h3>
        <BreakdownSection groups={vehicleConditions.groups} total={vehicleConditions.total} color="amber" caption="Conditions opened in the range" emptyTitle="No condition opened in this range" />
      </div>
      <div>
        <h3 className="mb-2 text-sm font-semibold text-slate-800">Open now ({vehicleConditions.openNow.total})</h3>
        <BreakdownSection groups={vehicleConditions.openNow.groups} total={vehicleConditions.openNow.total} color="orange" caption="Conditions open now" emptyTitle="No condition is open" />
      </div>
    </div>
  );
}

async function Failures({ load }: { load: LoadBreakdown }) {
  const { deliveryFailures } = await load();
  return <BreakdownSection groups={deliveryFailures.groups} total={deliveryFailures.total} color="slate" caption="Failures by kind and reason" emptyTitle="No delivery or processing failure in this range" />;
}

async function FailuresOverTime({ load }: { load: LoadBreakdown }) {
  return <FailuresChart hours={(await load()).hours} />;
}
