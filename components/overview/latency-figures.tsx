import { formatLatencyMs } from "@/components/format/numbers";
import type { Percentiles } from "@/lib/stats/quantiles";

// Two different clocks: receive latency is our answer time to Smartcar (it gives up at 15 s);
// processing lag is receipt → PROCESSED, i.e. how stale the dashboard's vehicle state can be.
// Quantiles come from hourly bucket counts: exact to the bucket's width.
export function LatencyFigures({ receive, lag }: { receive: Percentiles; lag: Percentiles }) {
  return (
    <div className="grid gap-3 md:grid-cols-2">
      <PercentileRow title="Receive latency" hint="Our answer time to Smartcar" values={receive} />
      <PercentileRow title="Processing lag" hint="Receipt → processed" values={lag} />
    </div>
  );
}

function PercentileRow({ title, hint, values }: { title: string; hint: string; values: Percentiles }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h3 className="text-sm font-semibold text-slate-900">{title}</h3>
      <p className="text-xs text-slate-600">{hint}</p>
      <dl className="mt-3 grid grid-cols-3 gap-2">
        {(["p50", "p95", "p99"] as const).map((q) => (
          <div key={q}>
            <dt className="text-xs font-medium uppercase text-slate-600">{q}</dt>
            <dd className="text-xl font-semibold tabular-nums text-slate-900">{formatLatencyMs(values[q])}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
