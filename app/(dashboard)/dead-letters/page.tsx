import type { Metadata } from "next";
import { z } from "zod";
import { BulkRedrivePanel } from "@/components/dead-letters/bulk-redrive-panel";
import { DeadLetterTable } from "@/components/dead-letters/dead-letter-table";
import { isJobSettled, JobProgress } from "@/components/dead-letters/job-progress";
import { SelectionForm } from "@/components/dead-letters/selection-form";
import { eventFilterFields } from "@/components/events/event-filter-fields";
import { FilterBar } from "@/components/filters/filter-bar";
import { AutoRefresh } from "@/components/refresh/auto-refresh";
import { KeysetPager } from "@/components/table/keyset-pager";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { QueryError } from "@/components/ui/query-error";
import { CardSkeleton, TableSkeleton } from "@/components/ui/skeleton";
import { Widget } from "@/components/ui/widget";
import { flatten, type SearchParamsRecord } from "@/components/url/search-params";
import { hasRole } from "@/lib/auth/roles";
import { requireUser } from "@/lib/auth/session";
import type { UserPrincipal } from "@/lib/auth/session-user";
import { eventFilterSchema, eventListQuerySchema, listEvents, type EventListQuery } from "@/lib/dal/event-list";
import { getRedriveJob } from "@/lib/redrive/redrive-jobs";
import { countRedrivableAction } from "../_actions/count-redrivable";
import { redriveSelectedAction } from "../_actions/redrive-selected";
import { startBulkRedriveAction } from "../_actions/start-bulk-redrive";
import { describeIssues, readWithQuery } from "../_lib/invalid-query";

export const metadata: Metadata = { title: "Dead letters · Smartcar Monitor" };

const SELECTION_FORM_ID = "redrive-selection";
const JOB_REFRESH_SECONDS = 2;

export default async function DeadLettersPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const user = await requireUser("viewer");
  const params = await searchParams;
  const flat = flatten(params);
  // The page is the event list with its status fixed; a status in the URL cannot widen it.
  const query = eventListQuerySchema.safeParse({ ...flat, status: "DEAD_LETTERED" });
  const canRedrive = hasRole(user.role, "support");
  const jobId = z.uuid().safeParse(flat.job);
  return (
    <>
      <PageHeader title="Dead letters" description="Events processing gave up on, with the reason and the attempts it took. Re-drive them once the cause is fixed." />
      <FilterBar label="Dead-letter filters" fields={eventFilterFields({ currentType: flat.type, withStatus: false })} alsoClears={["job"]} />
      {query.success ? (
        <div className="space-y-6">
          {canRedrive && jobId.success && (
            <Card title="Bulk re-drive">
              <Widget title="Bulk re-drive progress" fallback={<CardSkeleton lines={2} label="Loading job progress" />}>
                <Job user={user} jobId={jobId.data} />
              </Widget>
            </Card>
          )}
          {canRedrive && (
            <Card title="Re-drive everything matching" description="Every dead letter matching the filters above, on all pages.">
              <BulkRedrivePanel filter={filterFields(flat)} countAction={countRedrivableAction} startAction={startBulkRedriveAction} />
            </Card>
          )}
          <Card title="Dead-lettered events" description={canRedrive ? "Ticked events are re-driven as one job, followed above like a filter's." : undefined} actions={canRedrive ? <SelectionForm formId={SELECTION_FORM_ID} action={redriveSelectedAction} filter={filterFields(flat)} /> : undefined}>
            <Widget title="Dead-lettered events" fallback={<TableSkeleton label="Loading dead letters" />}>
              <DeadLetters user={user} query={query.data} params={params} selectable={canRedrive} />
            </Widget>
          </Card>
        </div>
      ) : (
        <QueryError message={describeIssues(query.error.issues)} />
      )}
    </>
  );
}

/** The filter as the bulk actions take it: only event-list filter keys, never position or job. */
function filterFields(flat: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(flat).filter(([key]) => key !== "status" && key in eventFilterSchema.shape));
}

async function DeadLetters({ user, query, params, selectable }: { user: UserPrincipal; query: EventListQuery; params: SearchParamsRecord; selectable: boolean }) {
  const now = new Date();
  const result = await readWithQuery(() => listEvents(user, query));
  if (!result.ok) return <QueryError message={result.message} />;
  const isFiltered = Object.keys(filterFields(flatten(params))).length > 0;
  return (
    <>
      <DeadLetterTable
        events={result.value.items}
        now={now}
        selectionFormId={selectable ? SELECTION_FORM_ID : undefined}
        empty={
          <EmptyState title={isFiltered ? "No dead letter matches these filters" : "No dead letters"}>
            {isFiltered ? "Clear a filter to see the others." : "Every event so far was processed or is still on its way."}
          </EmptyState>
        }
      />
      <KeysetPager pathname="/dead-letters" searchParams={params} nextCursor={result.value.nextCursor} />
    </>
  );
}

async function Job({ user, jobId }: { user: UserPrincipal; jobId: string }) {
  const job = await getRedriveJob(user, jobId);
  if (!job) return <EmptyState title="No such re-drive job">The link may be from another installation.</EmptyState>;
  return (
    <>
      {!isJobSettled(job) && (
        <div className="mb-3">
          <AutoRefresh seconds={JOB_REFRESH_SECONDS} />
        </div>
      )}
      <JobProgress job={job} />
    </>
  );
}
