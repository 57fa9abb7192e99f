import type { Metadata } from "next";
import { AlertList } from "@/components/alerts/alert-list";
import { FilterBar } from "@/components/filters/filter-bar";
import { AutoRefresh } from "@/components/refresh/auto-refresh";
import { KeysetPager } from "@/components/table/keyset-pager";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { QueryError } from "@/components/ui/query-error";
import { TableSkeleton } from "@/components/ui/skeleton";
import { Widget } from "@/components/ui/widget";
import { flatten, type SearchParamsRecord } from "@/components/url/search-params";
import { hasRole } from "@/lib/auth/roles";
import { requireUser } from "@/lib/auth/session";
import type { UserPrincipal } from "@/lib/auth/session-user";
import { alertListQuerySchema, listAlerts, type AlertListQuery } from "@/lib/dal/alerts";
import { acknowledgeAlertAction } from "../_actions/acknowledge-alert";
import { describeIssues, readWithQuery } from "../_lib/invalid-query";

export const metadata: Metadata = { title: "Alerts · Smartcar Monitor" };

const REFRESH_SECONDS = 30;

const STATE_OPTIONS = [
  { value: "OPEN", label: "Open" },
  { value: "ACKNOWLEDGED", label: "Acknowledged" },
  { value: "RESOLVED", label: "Resolved" },
];

export default async function AlertsPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const user = await requireUser("viewer");
  const params = await searchParams;
  const query = alertListQuerySchema.safeParse(flatten(params));
  return (
    <>
      <PageHeader
        title="Alerts"
        description="Problems the alert rules found, checked every minute. Open ones first; an alert resolves by itself once its condition clears, acknowledged or not."
        actions={<AutoRefresh seconds={REFRESH_SECONDS} />}
      />
      <FilterBar label="Alert filters" fields={[{ kind: "select", name: "state", label: "State", options: STATE_OPTIONS, allLabel: "All states" }]} />
      {query.success ? (
        <Widget title="Alerts" fallback={<TableSkeleton rows={4} label="Loading alerts" />}>
          <Alerts user={user} query={query.data} params={params} />
        </Widget>
      ) : (
        <QueryError message={describeIssues(query.error.issues)} />
      )}
    </>
  );
}

async function Alerts({ user, query, params }: { user: UserPrincipal; query: AlertListQuery; params: SearchParamsRecord }) {
  const now = new Date();
  const result = await readWithQuery(() => listAlerts(user, query));
  if (!result.ok) return <QueryError message={result.message} />;
  const canAct = hasRole(user.role, "support");
  return (
    <>
      <AlertList
        alerts={result.value.items}
        now={now}
        acknowledgeAction={canAct ? acknowledgeAlertAction : undefined}
        canSeeRejections={canAct}
        empty={
          <EmptyState title={query.state ? `No ${query.state.toLowerCase()} alert` : "No alerts yet"}>
            {query.state === "RESOLVED" ? "Nothing has fired and cleared yet." : "Every rule is quiet: signatures, processing, backlog, latency, dead letters, vehicles and storage."}
          </EmptyState>
        }
      />
      <KeysetPager pathname="/alerts" searchParams={params} nextCursor={result.value.nextCursor} />
    </>
  );
}
