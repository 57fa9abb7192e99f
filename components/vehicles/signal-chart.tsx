import { TimeSeriesChart, type TimePoint } from "@/components/charts/time-series-chart";
import type { ChartColor } from "@/components/charts/chart-colors";
import { EmptyState } from "@/components/ui/empty-state";
import type { HistoryPoint } from "@/lib/dal/vehicle-history";

export interface SignalChartSpec {
  title: string;
  unit: string;
  color: ChartColor;
  /** A yes/no state (charging): drawn as steps of 0/1 read from body.value. */
  isState?: boolean;
}

/** One signal's history as a chart, or why there is none. Downsampled ranges say so. */
export function SignalChart({ spec, points, from, to, bucketSeconds }: { spec: SignalChartSpec; points: HistoryPoint[]; from: string; to: string; bucketSeconds: number | null }) {
  const series: TimePoint[] = points.map((p) => ({ at: p.at, value: spec.isState ? stateValue(p.body) : p.value }));
  if (series.every((p) => p.value === null)) return <EmptyState title={`No ${spec.title.toLowerCase()} readings`}>None in this range.</EmptyState>;
  return (
    <>
      <TimeSeriesChart label={spec.title} points={series} from={from} to={to} unit={spec.unit} color={spec.color} step={spec.isState} formatValue={spec.isState ? "yes-no" : "number"} />
      <p className="mt-1 text-xs text-slate-600">
        {points.length} {bucketSeconds === null ? "readings" : `averages of ${Math.round(bucketSeconds / 60)}-minute buckets`}
      </p>
    </>
  );
}

function stateValue(body: unknown): number | null {
  if (typeof body !== "object" || body === null || !("value" in body)) return null;
  return body.value === true ? 1 : body.value === false ? 0 : null;
}
