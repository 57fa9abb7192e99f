import Link from "next/link";
import type { ReactNode } from "react";
import { AcknowledgeForm } from "@/components/alerts/acknowledge-form";
import { AlertStateBadge, SeverityBadge } from "@/components/alerts/alert-badges";
import { formatTimestamp } from "@/components/format/time";
import { Timestamp } from "@/components/ui/timestamp";
import { eventHref, vehicleHref } from "@/components/url/hrefs";
import type { FormAction } from "@/lib/auth/authorized-action";
import type { AlertResource } from "@/lib/dal/alerts";

// The Alerts page's list: one card per alert — what (title), why (summary), since when, last
// seen, its numbers, and where to look next. Acknowledge shows only when an action is given
// (support and admin) and the alert is still OPEN.

const VEHICLE_RULES = new Set(["vehicle_silent", "vehicle_needs_reauth"]);

export function AlertList({ alerts, now, empty, acknowledgeAction, canSeeRejections }: {
  alerts: AlertResource[];
  now: Date;
  empty: ReactNode;
  acknowledgeAction?: FormAction;
  canSeeRejections: boolean;
}) {
  if (alerts.length === 0) return <>{empty}</>;
  return (
    <ul aria-label="Alerts" className="space-y-3">
      {alerts.map((alert) => (
        <li key={alert.id}>
          <AlertCard alert={alert} now={now} acknowledgeAction={acknowledgeAction} canSeeRejections={canSeeRejections} />
        </li>
      ))}
    </ul>
  );
}

function AlertCard({ alert, now, acknowledgeAction, canSeeRejections }: { alert: AlertResource; now: Date; acknowledgeAction?: FormAction; canSeeRejections: boolean }) {
  const headingId = `alert-${alert.id}-title`;
  const isLive = alert.state !== "RESOLVED";
  const edge = !isLive ? "border-l-slate-300" : alert.severity === "critical" ? "border-l-red-600" : "border-l-amber-500";
  const related = relatedLink(alert, canSeeRejections);
  return (
    <article aria-labelledby={headingId} className={`rounded-lg border border-l-4 border-slate-200 bg-white p-4 shadow-sm ${edge}`}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 flex-1 basis-80">
          <div className="mb-1 flex flex-wrap items-center gap-2">
            <SeverityBadge severity={alert.severity} />
            <AlertStateBadge state={alert.state} />
            <span className="font-mono text-xs text-slate-600">{alert.rule}</span>
          </div>
          <h2 id={headingId} className="break-words text-base font-semibold text-slate-900">
            {alert.title}
          </h2>
          <p className="mt-1 break-words text-sm text-slate-700">{alert.summary}</p>
        </div>
        {acknowledgeAction && <AcknowledgeForm action={acknowledgeAction} alertId={alert.id} isOpen={alert.state === "OPEN"} />}
      </div>
      <dl className="mt-3 grid grid-cols-2 gap-x-6 gap-y-2 text-sm md:grid-cols-4">
        <Fact label="Opened">
          <Timestamp iso={alert.openedAt} now={now} />
        </Fact>
        <Fact label={isLive ? "Last seen" : "Resolved"}>
          <Timestamp iso={isLive ? alert.lastSeenAt : alert.resolvedAt} now={now} />
        </Fact>
        <Fact label="Acknowledged">
          {alert.acknowledgedAt ? (
            <>
              <Timestamp iso={alert.acknowledgedAt} now={now} /> by {alert.acknowledgedBy}
            </>
          ) : (
            "—"
          )}
        </Fact>
        <Fact label="Webhook">
          {alert.notifyError ? <span className="text-red-800">failed: {alert.notifyError}</span> : alert.notifiedAt ? <Timestamp iso={alert.notifiedAt} now={now} /> : "—"}
        </Fact>
      </dl>
      <div className="mt-3 flex flex-wrap items-center gap-4 text-sm">
        {Object.keys(alert.detail).length > 0 && (
          <details>
            <summary className="cursor-pointer rounded text-sky-800 underline-offset-2 hover:underline focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-700">
              Details
            </summary>
            <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-xs">
              {Object.entries(alert.detail)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([key, value]) => (
                  <div key={key} className="contents">
                    <dt className="text-slate-600">{words(key)}</dt>
                    <dd className="break-all font-mono text-slate-900">{show(value)}</dd>
                  </div>
                ))}
            </dl>
          </details>
        )}
        {related && (
          <Link href={related.href} className="text-sky-800 underline underline-offset-2 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-700">
            {related.label}
          </Link>
        )}
      </div>
    </article>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">{label}</dt>
      <dd className="mt-0.5 text-slate-900">{children}</dd>
    </div>
  );
}

function relatedLink(alert: AlertResource, canSeeRejections: boolean): { href: string; label: string } | null {
  if (VEHICLE_RULES.has(alert.rule) && alert.subject) return { href: vehicleHref(alert.subject), label: "Open the vehicle →" };
  switch (alert.rule) {
    case "dead_letters": {
      const last = alert.detail.lastEventId;
      return typeof last === "string" ? { href: eventHref(last), label: "Open the latest dead letter →" } : { href: "/dead-letters", label: "Dead letters →" };
    }
    case "backlog_age":
      return { href: "/events?status=PENDING", label: "Pending events →" };
    case "vehicles_silent":
      return { href: "/vehicles?health=SILENT", label: "All silent vehicles →" };
    case "vehicles_need_reauth":
      return { href: "/vehicles?health=NEEDS_REAUTH", label: "All vehicles needing re-auth →" };
    case "signature_failures":
      return canSeeRejections ? { href: "/rejections", label: "Rejections →" } : null;
    default:
      return null;
  }
}

/** "signatureMissing" → "signature missing". */
function words(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
}

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function show(value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "string") return ISO_TIMESTAMP.test(value) ? formatTimestamp(value) : value;
  if (typeof value === "number") return value.toLocaleString("en-US");
  return JSON.stringify(value);
}
