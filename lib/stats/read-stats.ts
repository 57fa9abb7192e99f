import { pool } from "@/lib/db/pool";
import type { TimeRange } from "@/lib/dal/time-range";
import type { MetricName } from "@/lib/stats/metric-names";

export interface StatRow {
  hour: Date;
  metric: MetricName;
  dimension: string;
  value: number;
}

// Straight through `pg`, not Prisma: a 30-day range is tens of thousands of small rows, and
// Prisma's per-row result mapping made it the slowest read of the dashboard (bench/README.md).
// Counters stay far below 2^53, so float8 carries them exactly as JS numbers; hours travel as
// epoch ms, which skips pg's slow text-to-Date parsing of every row.
const READ_STATS_SQL = `
SELECT extract(epoch FROM hour)::float8 * 1000 AS hour_ms, metric, dimension, value::float8 AS value
FROM stat_hour
WHERE metric = ANY($1::text[]) AND hour >= $2 AND hour < $3`;

/** The rollup rows of `metrics` in [from, to): served by the (metric, hour) index. */
export async function readStats<M extends MetricName>(metrics: readonly M[], range: TimeRange): Promise<(StatRow & { metric: M })[]> {
  const { rows } = await pool().query<{ hour_ms: number; metric: string; dimension: string; value: number }>({
    name: "read-stats",
    text: READ_STATS_SQL,
    values: [metrics, range.from, range.to],
  });
  return rows.flatMap((row) => {
    const metric = metrics.find((m) => m === row.metric);
    return metric === undefined ? [] : [{ hour: new Date(row.hour_ms), metric, dimension: row.dimension, value: row.value }];
  });
}
