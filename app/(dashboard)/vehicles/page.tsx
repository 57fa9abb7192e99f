import type { Metadata } from "next";
import { FilterBar } from "@/components/filters/filter-bar";
import { KeysetPager } from "@/components/table/keyset-pager";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { QueryError } from "@/components/ui/query-error";
import { TableSkeleton } from "@/components/ui/skeleton";
import { Widget } from "@/components/ui/widget";
import { flatten, type SearchParamsRecord } from "@/components/url/search-params";
import { VehicleTable } from "@/components/vehicles/vehicle-table";
import { requireUser } from "@/lib/auth/session";
import type { UserPrincipal } from "@/lib/auth/session-user";
import { listVehicles, vehicleListQuerySchema, type VehicleListQuery } from "@/lib/dal/vehicle-list";
import { describeIssues, readWithQuery } from "../_lib/invalid-query";

export const metadata: Metadata = { title: "Vehicles · Smartcar Monitor" };

const HEALTH_OPTIONS = [
  { value: "NEEDS_REAUTH", label: "Needs re-auth" },
  { value: "OPEN_ERRORS", label: "Open errors" },
  { value: "SILENT", label: "Silent" },
  { value: "OK", label: "OK" },
];

export default async function VehiclesPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const user = await requireUser("viewer");
  const params = await searchParams;
  const query = vehicleListQuerySchema.safeParse(flatten(params));
  return (
    <>
      <PageHeader title="Vehicles" description="Every vehicle that has sent an event, with its health and latest battery figures." />
      <FilterBar label="Vehicle filters" fields={[{ kind: "select", name: "health", label: "Health", options: HEALTH_OPTIONS }]} />
      {query.success ? (
        <Widget title="Vehicles" fallback={<TableSkeleton label="Loading vehicles" />}>
          <VehicleList user={user} query={query.data} params={params} />
        </Widget>
      ) : (
        <QueryError message={describeIssues(query.error.issues)} />
      )}
    </>
  );
}

async function VehicleList({ user, query, params }: { user: UserPrincipal; query: VehicleListQuery; params: SearchParamsRecord }) {
  const now = new Date();
  const result = await readWithQuery(() => listVehicles(user, query, { now }));
  if (!result.ok) return <QueryError message={result.message} />;
  return (
    <>
      <VehicleTable
        vehicles={result.value.items}
        now={now}
        empty={
          query.health ? (
            <EmptyState title="No vehicle has this health">Clear the filter to see the whole fleet.</EmptyState>
          ) : (
            <EmptyState title="No vehicles yet">A vehicle appears with its first processed event.</EmptyState>
          )
        }
      />
      <KeysetPager pathname="/vehicles" searchParams={params} nextCursor={result.value.nextCursor} />
    </>
  );
}
