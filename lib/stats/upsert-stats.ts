import type pg from "pg";

export interface StatIncrement {
  hour: Date;
  metric: string;
  dimension: string;
  value: number;
}

// One statement for any number of counters. Rows are summed per key first (ON CONFLICT may not
// touch a row twice in one statement) and written in key order, so two writers locking several
// counter rows always lock them in the same order and cannot deadlock.
const UPSERT_SQL = `
INSERT INTO stat_hour AS s (hour, metric, dimension, value)
SELECT hour, metric, dimension, sum(value)::bigint
FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::bigint[]) AS r(hour, metric, dimension, value)
GROUP BY hour, metric, dimension
ORDER BY hour, metric, dimension
ON CONFLICT (hour, metric, dimension) DO UPDATE SET value = s.value + excluded.value`;

export async function upsertStats(db: pg.Pool | pg.PoolClient, rows: readonly StatIncrement[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query({
    name: "upsert-stats",
    text: UPSERT_SQL,
    values: [rows.map((r) => r.hour), rows.map((r) => r.metric), rows.map((r) => r.dimension), rows.map((r) => Math.round(r.value))],
  });
}
