import type { Metadata } from "next";
import { cache } from "react";
import { BreakdownSection } from "@/components/errors/breakdown-section";
import { TrendChart } from "@/components/errors/trend-chart";
import { FilterBar } from "@/components/filters/filter-bar";
import { RejectionTable } from "@/components/rejections/rejection-table";
import { KeysetPager } from "@/components/table/keyset-pager";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { QueryError } from "@/components/ui/query-error";
import { ChartSkeleton, TableSkeleton } from "@/components/ui/skeleton";
import { Widget } from "@/components/ui/widget";
import { presetRange, RANGE_FIELD, RANGE_PRESETS, rangePreset } from "@/components/url/range-presets";
import { flatten, single, type SearchParamsRecord } from "@/components/url/search-params";
import { requireUser } from "@/lib/auth/session";
import type { UserPrincipal } from "@/lib/auth/session-user";
import { getErrorBreakdown } from "@/lib/dal/error-breakdown";
import { listRejections, rejectionListQuerySchema, type RejectionListQuery } from "@/lib/dal/rejections";
import { releaseRejectionAction } from "../_actions/release-rejection";
import { describeIssues, readWithQuery } from "../_lib/invalid-query";

export const metadata: Metadata = { title: "Rejections · Smartcar Monitor" };

// The receiver's refusal reasons (API.md §1), in the order its checks run.
const REASONS = ["TOKEN_NOT_CONFIGURED", "BODY_TOO_LARGE", "INVALID_CHALLENGE", "SIGNATURE_MISSING", "SIGNATURE_MISMATCH", "INVALID_JSON", "INVALID_SCHEMA", "STORAGE_UNAVAILABLE"];
const REJECTED_PREFIX = "rejected:";

// The chart and the totals by reason read one breakdown of the hourly rollups: one query per request.
const breakdown = cache((user: UserPrincipal, from: number, to: number) =>
  getErrorBreakdown(user, { groupBy: "code", from: new Date(from), to: new Date(to) }, { now: new Date(to) }),
);

export default async function RejectionsPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  // Quarantined bodies are whatever a stranger sent: support and admin only (API.md §5).
  const user = await requireUser("support");
  const params = await searchParams;
  const preset = rangePreset(single(params.range));
  const range = presetRange(preset, new Date());
  // The list follows the range too, unless the URL names its own start.
  const flat = flatten(params);
  const query = rejectionListQuerySchema.safeParse({ ...flat, from: flat.from ?? range.from.toISOString() });
  const load = () => breakdown(user, range.from.getTime(), range.to.getTime());
  return (
    <>
      <PageHeader
        title="Rejections"
        description="Requests the receiver refused. Signature failures are quarantined for a while: after fixing the configured token, re-check them and release those that now verify."
      />
      <FilterBar
        label="Rejection filters"
        fields={[RANGE_FIELD, { kind: "select", name: "reason", label: "Reason", options: REASONS.map((r) => ({ value: r, label: r })) }]}
      />
      <div className="space-y-6">
        <Card title="Rejections per hour" description={`${RANGE_PRESETS[preset].label}, by reason.`}>
          <Widget title="Rejections per hour" fallback={<ChartSkeleton label="Loading rejections per hour" />}>
            <PerHour load={load} />
          </Widget>
        </Card>
        <Card title="By reason" description={RANGE_PRESETS[preset].label}>
          <Widget title="Rejections by reason" fallback={<ChartSkeleton height={160} label="Loading rejections by reason" />}>
            <ByReason load={load} />
          </Widget>
        </Card>
        <Card title="Rejected deliveries">
          {query.success ? (
            <Widget title="Rejected deliveries" fallback={<TableSkeleton label="Loading rejected deliveries" />}>
              <RejectionList user={user} query={query.data} params={params} />
            </Widget>
          ) : (
            <QueryError message={describeIssues(query.error.issues)} />
          )}
        </Card>
      </div>
    </>
  );
}

type LoadBreakdown = () => ReturnType<typeof getErrorBreakdown>;

async function PerHour({ load }: { load: LoadBreakdown }) {
  const { hours } = await load();
  return <TrendChart label="Rejected deliveries per hour, by reason" hours={hours.map((h) => ({ hour: h.hour, counts: h.rejected }))} emptyTitle="Nothing rejected in this range" />;
}

async function ByReason({ load }: { load: LoadBreakdown }) {
  const { deliveryFailures } = await load();
  const groups = deliveryFailures.groups.filter((g) => g.key.startsWith(REJECTED_PREFIX)).map((g) => ({ key: g.key.slice(REJECTED_PREFIX.length), count: g.count }));
  const total = groups.reduce((sum, g) => sum + g.count, 0);
  return <BreakdownSection groups={groups} total={total} color="orange" caption="Rejections by reason" emptyTitle="Nothing rejected in this range" />;
}

async function RejectionList({ user, query, params }: { user: UserPrincipal; query: RejectionListQuery; params: SearchParamsRecord }) {
  const now = new Date();
  const result = await readWithQuery(() => listRejections(user, query));
  if (!result.ok) return <QueryError message={result.message} />;
  return (
    <>
      <RejectionTable
        rejections={result.value.items}
        now={now}
        releaseAction={releaseRejectionAction}
        empty={<EmptyState title="No rejected delivery in this range">Every request that reached the receiver was signed and well-formed.</EmptyState>}
      />
      <KeysetPager pathname="/rejections" searchParams={params} nextCursor={result.value.nextCursor} />
    </>
  );
}
