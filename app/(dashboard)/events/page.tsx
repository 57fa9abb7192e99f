import type { Metadata } from "next";
import { eventFilterFields } from "@/components/events/event-filter-fields";
import { EventTable } from "@/components/events/event-table";
import { FilterBar } from "@/components/filters/filter-bar";
import { KeysetPager } from "@/components/table/keyset-pager";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { QueryError } from "@/components/ui/query-error";
import { TableSkeleton } from "@/components/ui/skeleton";
import { Widget } from "@/components/ui/widget";
import { flatten, type SearchParamsRecord } from "@/components/url/search-params";
import type { UserPrincipal } from "@/lib/auth/session-user";
import { requireUser } from "@/lib/auth/session";
import { eventListQuerySchema, listEvents, type EventListQuery } from "@/lib/dal/event-list";
import { describeIssues, readWithQuery } from "../_lib/invalid-query";

export const metadata: Metadata = { title: "Events · Smartcar Monitor" };

export default async function EventsPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const user = await requireUser("viewer");
  const params = await searchParams;
  const query = eventListQuerySchema.safeParse(flatten(params));
  return (
    <>
      <PageHeader title="Events" description="Every stored webhook event, newest first." />
      <FilterBar label="Event filters" fields={eventFilterFields({ currentType: flatten(params).type, withStatus: true })} />
      {query.success ? (
        <Widget title="Events" fallback={<TableSkeleton label="Loading events" />}>
          <EventList user={user} query={query.data} params={params} />
        </Widget>
      ) : (
        <QueryError message={describeIssues(query.error.issues)} />
      )}
    </>
  );
}

async function EventList({ user, query, params }: { user: UserPrincipal; query: EventListQuery; params: SearchParamsRecord }) {
  const now = new Date();
  const result = await readWithQuery(() => listEvents(user, query));
  if (!result.ok) return <QueryError message={result.message} />;
  const page = result.value;
  const isFiltered = Object.keys(flatten(params)).some((k) => k !== "cursor" && k !== "trail");
  return (
    <>
      <EventTable
        events={page.items}
        now={now}
        caption="Events, newest first"
        empty={
          <EmptyState title={isFiltered ? "No event matches these filters" : "No events yet"}>
            {isFiltered ? "Widen the time range or clear a filter." : "Events appear here as soon as Smartcar delivers a signed webhook."}
          </EmptyState>
        }
      />
      <KeysetPager pathname="/events" searchParams={params} nextCursor={page.nextCursor} />
    </>
  );
}
