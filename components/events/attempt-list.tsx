import { OutcomeBadge } from "@/components/badges/event-badges";
import { formatDuration, gapMs } from "@/components/format/time";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { Timestamp } from "@/components/ui/timestamp";
import type { ProcessingAttemptDto } from "@/lib/dal/events";

const RESULT: Record<string, { tone: BadgeTone; label: string }> = {
  ok: { tone: "success", label: "OK" },
  error: { tone: "warning", label: "Error, retried" },
  dead_lettered: { tone: "danger", label: "Dead-lettered" },
};

/**
 * Processing attempts oldest first, across re-drives. Each run numbers its own attempts from 1
 * (a re-drive is a new run), so the list numbers them overall and names the run's count beside it.
 * Errors show in full, stacks on demand.
 */
export function AttemptList({ attempts }: { attempts: ProcessingAttemptDto[] }) {
  if (attempts.length === 0) return <EmptyState title="Not processed yet">No processing attempt has started for this event.</EmptyState>;
  return (
    <ol className="space-y-3">
      {attempts.map((a, index) => {
        const result = RESULT[a.result] ?? { tone: "neutral" as const, label: a.result };
        const took = gapMs(a.startedAt, a.finishedAt);
        return (
          <li key={a.id} className="rounded-md border border-slate-200 p-3">
            <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
              <span className="font-semibold">#{index + 1}</span>
              <span className="text-slate-600">run attempt {a.attempt}</span>
              <Badge tone={result.tone}>{result.label}</Badge>
              {a.outcome && <OutcomeBadge outcome={a.outcome} />}
              <span className="text-slate-600">
                <Timestamp iso={a.startedAt} />
                {took !== null && ` · took ${formatDuration(took)}`}
              </span>
              {a.runId && <span className="font-mono text-xs text-slate-500">run {a.runId}</span>}
            </div>
            {a.error && <p className="mt-2 break-words rounded bg-red-50 px-2 py-1 font-mono text-xs text-red-900">{a.error}</p>}
            {a.stack && (
              <details className="mt-2">
                <summary className="cursor-pointer text-xs font-medium text-slate-700 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-700">Stack trace</summary>
                <pre className="mt-1 max-h-64 overflow-auto rounded bg-slate-900 p-2 text-[11px] leading-4 text-slate-100">{a.stack}</pre>
              </details>
            )}
          </li>
        );
      })}
    </ol>
  );
}
