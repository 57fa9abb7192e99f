import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { RedriveJobStatus } from "@/lib/redrive/redrive-jobs";

const STATE_TONE: Record<RedriveJobStatus["state"], BadgeTone> = { QUEUED: "neutral", RUNNING: "info", DONE: "success", FAILED: "danger" };

/** Whether a job still has news to show: dispatching, or events still on their way back. */
export function isJobSettled(job: RedriveJobStatus): boolean {
  return job.state === "FAILED" || (job.state === "DONE" && job.processed + job.deadLettered >= job.total);
}

/** A bulk re-drive's progress: how many went back on the queue, and how each came out. */
export function JobProgress({ job }: { job: RedriveJobStatus }) {
  const settled = job.processed + job.deadLettered;
  const pct = (n: number) => (job.total === 0 ? 0 : Math.round((n / job.total) * 100));
  return (
    <div className="space-y-3" aria-live="polite">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <Badge tone={STATE_TONE[job.state]}>{job.state}</Badge>
        <span className="font-mono text-xs text-slate-600">job {job.jobId}</span>
      </div>
      <div
        role="progressbar"
        aria-label="Events with an outcome"
        aria-valuemin={0}
        aria-valuemax={job.total}
        aria-valuenow={settled}
        className="flex h-3 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <span className="h-full bg-emerald-500" style={{ width: `${pct(job.processed)}%` }} />
        <span className="h-full bg-red-500" style={{ width: `${pct(job.deadLettered)}%` }} />
      </div>
      <dl className="grid grid-cols-2 gap-2 text-sm sm:grid-cols-4">
        <Figure label="Selected" value={job.total} />
        <Figure label="Queued again" value={job.dispatched} />
        <Figure label="Processed" value={job.processed} tone="text-emerald-800" />
        <Figure label="Dead-lettered again" value={job.deadLettered} tone={job.deadLettered > 0 ? "text-red-800" : undefined} />
      </dl>
    </div>
  );
}

function Figure({ label, value, tone = "text-slate-900" }: { label: string; value: number; tone?: string }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase text-slate-600">{label}</dt>
      <dd className={`text-lg font-semibold tabular-nums ${tone}`}>{value}</dd>
    </div>
  );
}
