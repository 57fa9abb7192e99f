import { prisma } from "@/lib/db/prisma";
import type { TimeRange } from "@/lib/dal/time-range";
import type { MetricName } from "@/lib/stats/metric-names";

export interface StatRow {
  hour: Date;
  metric: MetricName;
  dimension: string;
  value: number;
}

/** The rollup rows of `metrics` in [from, to): served by the (metric, hour) index. */
export async function readStats<M extends MetricName>(metrics: readonly M[], range: TimeRange): Promise<(StatRow & { metric: M })[]> {
  const rows = await prisma().statHour.findMany({
    where: { metric: { in: [...metrics] }, hour: { gte: range.from, lt: range.to } },
    select: { hour: true, metric: true, dimension: true, value: true },
  });
  return rows.flatMap((row) => {
    const metric = metrics.find((m) => m === row.metric);
    return metric === undefined ? [] : [{ hour: row.hour, metric, dimension: row.dimension, value: Number(row.value) }];
  });
}
