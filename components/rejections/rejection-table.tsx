import Link from "next/link";
import type { ReactNode } from "react";
import { eventHref } from "@/components/url/hrefs";
import { ActionForm } from "@/components/forms/action-form";
import { DataTable } from "@/components/table/data-table";
import { Badge } from "@/components/ui/badge";
import { Timestamp } from "@/components/ui/timestamp";
import type { FormAction } from "@/lib/auth/authorized-action";
import type { RejectionDto } from "@/lib/dal/rejections";

const SIGNATURE_REASONS = new Set(["SIGNATURE_MISSING", "SIGNATURE_MISMATCH"]);

/** Only a signature failure whose body is still quarantined can be re-checked. */
export function isReleasable(r: RejectionDto): boolean {
  return SIGNATURE_REASONS.has(r.reason) && r.bodyKept && r.releasedAt === null;
}

export function RejectionTable({ rejections, now, empty, releaseAction }: { rejections: RejectionDto[]; now: Date; empty: ReactNode; releaseAction?: FormAction }) {
  return (
    <DataTable
      caption="Rejected deliveries, newest first"
      rows={rejections}
      rowKey={(r) => r.id}
      empty={empty}
      columns={[
        { header: "Received", cell: (r) => <Timestamp iso={r.receivedAt} now={now} /> },
        {
          header: "Reason",
          cell: (r) => (
            <>
              <Badge tone={SIGNATURE_REASONS.has(r.reason) ? "danger" : "warning"}>{r.reason}</Badge>
              <span className="ml-2 text-xs text-slate-600">HTTP {r.httpStatus}</span>
            </>
          ),
        },
        { header: "Size", cell: (r) => `${r.bodyBytes.toLocaleString("en-US")} B`, align: "right", hideBelow: "md" },
        { header: "Tokens tried", cell: (r) => <span className="font-mono text-[11px] text-slate-700">{r.tokensTried.join(", ") || "—"}</span>, hideBelow: "lg" },
        {
          header: "Body",
          cell: (r) =>
            r.bodyKept ? (
              <span className="text-xs">
                quarantined{r.bodyExpiresAt && <> until <Timestamp iso={r.bodyExpiresAt} /></>}
              </span>
            ) : (
              <span className="text-xs text-slate-600">first 2 KB and hash only</span>
            ),
          hideBelow: "md",
        },
        { header: "Release", interactive: true, cell: (r) => <ReleaseCell rejection={r} action={releaseAction} /> },
      ]}
    />
  );
}

function ReleaseCell({ rejection, action }: { rejection: RejectionDto; action?: FormAction }) {
  if (rejection.releasedEventId) {
    return (
      <Link href={eventHref(rejection.releasedEventId)} className="text-sm text-emerald-800 underline underline-offset-2 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-700">
        Released → event
      </Link>
    );
  }
  if (!action || !isReleasable(rejection)) return <span className="text-xs text-slate-500">—</span>;
  return (
    <ActionForm action={action} submitLabel="Re-check and release" className="flex max-w-xs flex-wrap items-center gap-2">
      <input type="hidden" name="rejectionId" value={rejection.id} />
    </ActionForm>
  );
}
