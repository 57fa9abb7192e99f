import { Fragment } from "react";
import { formatDuration, formatTimestamp, gapMs } from "@/components/format/time";

export interface LatencyStep {
  label: string;
  /** Whose clock stamped it, in a few words. */
  source: string;
  at: string | null;
}

/**
 * How long the data took from the car to our database, hop by hop: each gap is measured between
 * the nearest known neighbours, so a missing stamp widens one gap instead of hiding the chain.
 * Stamps come from different clocks (the car, Smartcar, us); a negative gap is skew, said so.
 */
export function LatencyChain({ steps }: { steps: LatencyStep[] }) {
  const known = steps.filter((s) => s.at !== null);
  const first = known[0];
  const last = known.at(-1);
  const total = first && last && first !== last ? gapMs(first.at, last.at) : null;
  return (
    <div>
      <ol className="flex flex-col gap-1 md:flex-row md:flex-wrap md:items-stretch md:gap-0">
        {steps.map((step, i) => {
          const previous = steps.slice(0, i).findLast((s) => s.at !== null);
          const gap = step.at !== null && previous ? gapMs(previous.at, step.at) : null;
          return (
            <Fragment key={step.label}>
              {i > 0 && <Gap ms={gap} />}
              <li className={`rounded-md border px-3 py-2 ${step.at === null ? "border-dashed border-slate-300 bg-white" : "border-slate-200 bg-slate-50"}`}>
                <p className="text-xs font-semibold text-slate-800">{step.label}</p>
                <p className="text-[11px] text-slate-500">{step.source}</p>
                <p className="mt-1 font-mono text-xs text-slate-700">{step.at === null ? "not reported" : formatTimestamp(step.at).replace(" UTC", "")}</p>
              </li>
            </Fragment>
          );
        })}
      </ol>
      {total !== null && (
        <p className="mt-3 text-sm text-slate-700">
          End to end: <strong className="tabular-nums">{formatDuration(total)}</strong> from {first?.label.toLowerCase()} to {last?.label.toLowerCase()}.
        </p>
      )}
    </div>
  );
}

// Rendered as a list item's neighbour, not inside one: the gap belongs between two stamps.
function Gap({ ms }: { ms: number | null }) {
  const isSkew = ms !== null && ms < 0;
  return (
    <li aria-hidden={ms === null} className="flex items-center justify-center px-2 text-xs md:flex-col">
      <span aria-hidden="true" className="text-slate-400">
        <span className="md:hidden">↓</span>
        <span className="hidden md:inline">→</span>
      </span>
      {ms !== null && (
        <span className={`ml-2 whitespace-nowrap font-medium tabular-nums md:ml-0 ${isSkew ? "text-amber-800" : "text-slate-700"}`}>
          {isSkew ? `${formatDuration(ms)} (clock skew)` : `+${formatDuration(ms)}`}
        </span>
      )}
    </li>
  );
}
