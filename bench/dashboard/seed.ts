// The dashboard's data at scale, made in SQL with generate_series: a month of events with their
// deliveries, the fleet with its latest signals and conditions, the signal history, and the
// hourly rollups the overview and error pages read. Every value derives from a hash of its row
// number, so each run builds the same data; only "now" moves.
import type pg from "pg";
import { performance } from "node:perf_hooks";
import { MODELS, subscribedSignals } from "@/lib/simulator/catalog";
import { bucketFor, METRIC, PROCESSING_LAG_MS_BOUNDS, RECEIVE_MS_BOUNDS } from "@/lib/stats/metric-names";
import { round } from "@/bench/lib/stats";

export interface DashboardSizes {
  events: number;
  vehicles: number;
  readings: number;
}

export interface SeedStep {
  step: string;
  rows: number;
  seconds: number;
}

/** Numeric signals kept in history: what the vehicle page charts. */
export const HISTORY_CODES = [
  "tractionbattery-stateofcharge",
  "tractionbattery-range",
  "odometer-traveleddistance",
  "charge-wattage",
  "charge-voltage",
  "charge-amperage",
  "charge-energyadded",
  "charge-timetocomplete",
  "lowvoltagebattery-stateofcharge",
  "charge-chargerate",
] as const;

const DAYS = 30;
const SIGNAL_ERRORS = ["UPSTREAM:NO_RESPONSE", "SERVER:INTERNAL", "RATE_LIMIT:VEHICLE", "COMPATIBILITY:VEHICLE_NOT_CAPABLE", "PERMISSION:"];
const CONDITIONS = [
  ["VEHICLE_STATE", "UNREACHABLE"],
  ["VEHICLE_STATE", "ASLEEP"],
  ["UPSTREAM", "NO_RESPONSE"],
  ["CONNECTED_SERVICES_ACCOUNT", "AUTHENTICATION_FAILED"],
] as const;
const DEAD_LETTER_REASONS = ["NO_VEHICLE_ID", "PROCESSING_FAILED", "PAYLOAD_PURGED"];

// Deterministic [0, 1) from (row, salt), and ids and times from row numbers. The planner inlines
// SQL functions only when the body is no more volatile than declared: text || bigint and
// timestamptz arithmetic are STABLE, so those two are declared STABLE (inlined: ~6 µs less per call).
const HELPERS = `
CREATE OR REPLACE FUNCTION bench_rand(i bigint, salt int) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT (hashint8extended(i, salt) & 9007199254740991)::float8 / 9007199254740992 $$;
CREATE OR REPLACE FUNCTION bench_id(kind text, i bigint) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT md5(kind || ':' || i)::uuid::text $$;
-- Event e of n: evenly spread over the last DAYS days, oldest first, on vehicle (hash of e) mod v.
CREATE OR REPLACE FUNCTION bench_event_at(e bigint, n bigint, t0 timestamptz) RETURNS timestamptz LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT t0 - make_interval(days => ${DAYS}) + make_interval(secs => ${DAYS} * 86400.0 * e / n) $$;`;

/** CASE expression putting `ms` into the bucket lib/stats/metric-names.ts would. */
function bucketSql(ms: string, bounds: readonly number[]): string {
  return `CASE ${bounds.map((b) => `WHEN ${ms} <= ${b} THEN '${bucketFor(b, bounds)}'`).join(" ")} ELSE '+Inf' END`;
}

interface Step {
  step: string;
  /** A big table: its indexes are dropped for the insert and rebuilt after it (see withoutIndexes). */
  table?: string;
  sql: string;
  values: unknown[];
}

function steps(sizes: DashboardSizes): Step[] {
  const models = [...MODELS].filter((m) => m.powertrain === "BEV");
  const codes = subscribedSignals("BEV", true);
  const perCode = Math.max(1, Math.round(sizes.readings / (sizes.vehicles * HISTORY_CODES.length)));
  const lagMs = "extract(epoch FROM processed_at - received_at) * 1000";
  // The generated vehicles, numbered in primary-key order: not the simulator's, which the
  // receiver and processing phases created and which already have their signals.
  const seeded = `(SELECT vehicle_id, last_seen_at, row_number() OVER (ORDER BY vehicle_id) AS n FROM vehicle
    WHERE vehicle_id IN (SELECT bench_id('vehicle', g) FROM generate_series(0, ${Math.trunc(sizes.vehicles)} - 1) g))`;
  return [
    {
      step: "vehicles",
      sql: `
INSERT INTO vehicle (vehicle_id, user_id, make, model, year, first_seen_at, last_seen_at, recent_gaps, needs_reauth, reauth_at)
SELECT bench_id('vehicle', v), bench_id('user', v / 2), m.make, m.model, m.year,
  $4::timestamptz - make_interval(days => ${DAYS}),
  -- One vehicle in ten has been quiet for hours: SILENT on the vehicle list.
  $4::timestamptz - make_interval(secs => CASE WHEN bench_rand(v, 1) < 0.1 THEN 4 * 3600 + bench_rand(v, 2) * 86400 ELSE bench_rand(v, 2) * 900 END),
  ARRAY(SELECT (120 + bench_rand(v * 16 + g, 3) * 900)::int FROM generate_series(1, 15) g),
  bench_rand(v, 4) < 0.01,
  CASE WHEN bench_rand(v, 4) < 0.01 THEN $4::timestamptz - interval '2 days' END
FROM generate_series(0, $1::int - 1) v
JOIN unnest($2::text[], $3::text[], $5::int[]) WITH ORDINALITY AS m(make, model, year, k) ON m.k = v % cardinality($2::text[]) + 1`,
      values: [sizes.vehicles, models.map((m) => m.make), models.map((m) => m.model), "now", models.map((m) => m.years[0])],
    },
    {
      // The session's replica role skips vehicle_count's triggers, as in a restore: the seed writes
      // its vehicles' share of the fleet total itself, as a restore carries the table.
      step: "vehicle count",
      sql: `
INSERT INTO vehicle_count AS c (shard, vehicles) SELECT 0, count(*) FROM ${seeded} v
ON CONFLICT (shard) DO UPDATE SET vehicles = c.vehicles + excluded.vehicles`,
      values: [],
    },
    {
      step: "vehicle signals",
      sql: `
INSERT INTO vehicle_signal (vehicle_id, code, name, signal_group, status, body, unit, oem_updated_at, retrieved_at, key_at, key_tie, since, error_type, error_code, event_id)
SELECT v.vehicle_id, c.code, c.code, split_part(c.code, '-', 1),
  (CASE WHEN r < 0.02 THEN 'ERROR' WHEN r < 0.03 THEN 'UNSUPPORTED' ELSE 'OK' END)::"SignalStatus",
  jsonb_build_object('value', round((bench_rand(v.n * 64 + c.k, 6) * 100)::numeric, 1), 'unit', 'percent'), 'percent',
  v.last_seen_at - interval '5 seconds', v.last_seen_at, v.last_seen_at, v.last_seen_at, v.last_seen_at - interval '1 hour',
  CASE WHEN r < 0.02 THEN 'UPSTREAM' WHEN r < 0.03 THEN 'COMPATIBILITY' END,
  CASE WHEN r < 0.02 THEN 'NO_RESPONSE' WHEN r < 0.03 THEN 'VEHICLE_NOT_CAPABLE' END,
  bench_id('event', v.n)
FROM ${seeded} v
CROSS JOIN unnest($1::text[]) WITH ORDINALITY AS c(code, k)
CROSS JOIN LATERAL (SELECT bench_rand(v.n * 64 + c.k, 5) AS r) x`,
      values: [codes],
    },
    {
      step: "vehicle conditions",
      sql: `
INSERT INTO vehicle_condition (vehicle_id, type, code, state, description, resolution_type, signals, opened_at, resolved_at, state_at, last_event_id, last_reported_at)
SELECT v.vehicle_id, c.type, c.code, CASE WHEN r < 0.05 THEN 'ERROR' ELSE 'RESOLVED' END, 'seeded by the benchmark', 'RETRY_LATER',
  ARRAY['location-preciselocation'], opened, CASE WHEN r >= 0.05 THEN opened + interval '20 minutes' END, opened, bench_id('event', v.n), opened
FROM ${seeded} v
CROSS JOIN LATERAL (SELECT bench_rand(v.n, 7) AS r, $2::timestamptz - make_interval(secs => bench_rand(v.n, 8) * ${DAYS} * 86400) AS opened) x
JOIN unnest($1::text[], $3::text[]) WITH ORDINALITY AS c(type, code, k) ON c.k = v.n % cardinality($1::text[]) + 1
WHERE r < 0.25`,
      values: [CONDITIONS.map(([type]) => type), "now", CONDITIONS.map(([, code]) => code)],
    },
    {
      step: "events",
      table: "event",
      sql: `
INSERT INTO event (event_id, event_type, vehicle_id, user_id, mode, raw_body, body_bytes, status, outcome, received_at, first_delivered_at,
  dispatched_at, processed_at, delivery_count, attempts, signals_applied, signals_stale, signals_failed, error_reason, error_message, error_at)
SELECT id, type, vid, bench_id('user', vn / 2), mode, body, octet_length(body),
  (CASE WHEN dead THEN 'DEAD_LETTERED' ELSE 'PROCESSED' END)::"EventStatus",
  CASE WHEN dead THEN NULL ELSE 'APPLIED' END,
  at, at - interval '400 milliseconds', at + interval '3 milliseconds',
  CASE WHEN dead THEN NULL ELSE at + make_interval(secs => 0.02 + bench_rand(e, 13) ^ 4 * 5) END,
  CASE WHEN bench_rand(e, 14) < 0.05 THEN 2 ELSE 1 END, CASE WHEN dead THEN 4 ELSE 1 END,
  CASE WHEN type = 'VEHICLE_STATE' AND NOT dead THEN 30 - failed ELSE 0 END, 0, failed,
  CASE WHEN dead THEN ($3::text[])[1 + (e % cardinality($3::text[]))] END,
  CASE WHEN dead THEN 'seeded by the benchmark' END,
  CASE WHEN dead THEN at + interval '1 minute' END
FROM (
  SELECT e, id, vn, vid, at, type, dead, mode,
    CASE WHEN type = 'VEHICLE_STATE' AND bench_rand(e, 15) < 0.06 THEN 1 + (bench_rand(e, 16) * 3)::int ELSE 0 END AS failed,
    '{"eventId":"' || id || '","eventType":"' || type || '","data":{"vehicle":{"id":"' || vid ||
      '"},"signals":[{"code":"tractionbattery-stateofcharge","body":{"unit":"percent","value":' || (e % 100) || '}}]},"meta":{"mode":"' || mode || '"}}' AS body
  FROM (
    SELECT e, bench_id('event', e) AS id, vn, bench_id('vehicle', vn) AS vid, bench_event_at(e, $1::bigint, $4::timestamptz) AS at,
      CASE WHEN bench_rand(e, 10) < 0.9 THEN 'VEHICLE_STATE' WHEN bench_rand(e, 10) < 0.99 THEN 'VEHICLE_ERROR' ELSE 'LEGACY_V2' END AS type,
      bench_rand(e, 11) < 0.015 AS dead,
      CASE WHEN bench_rand(e, 12) < 0.01 THEN 'TEST' ELSE 'LIVE' END AS mode
    FROM generate_series(0, $1::bigint - 1) e
    CROSS JOIN LATERAL (SELECT (hashint8extended(e, 9) & 2147483647) % $2::int AS vn) h
  ) raw
) ev`,
      values: [sizes.events, sizes.vehicles, DEAD_LETTER_REASONS, "now"],
    },
    {
      step: "deliveries",
      table: "delivery",
      sql: `
INSERT INTO delivery (event_id, delivery_id, delivered_at, received_at, duplicate, token_slot, body_bytes, user_agent)
SELECT bench_id('event', e), bench_id('delivery', e * 2 + attempt), at - interval '400 milliseconds', at + make_interval(secs => attempt * 25), attempt = 1,
  'current', 240, 'Smartcar-Webhooks/1.0'
FROM generate_series(0, $1::bigint - 1) e
CROSS JOIN LATERAL (SELECT bench_event_at(e, $1::bigint, $2::timestamptz) AS at) t
CROSS JOIN LATERAL generate_series(0, CASE WHEN bench_rand(e, 14) < 0.05 THEN 1 ELSE 0 END) attempt`,
      values: [sizes.events, "now"],
    },
    {
      step: "signal readings",
      table: "signal_reading",
      // One reading time, value and event per (vehicle, k), shared by the signals of that report.
      sql: `
INSERT INTO signal_reading (vehicle_id, code, at, value, body, event_id)
SELECT r.vehicle_id, c.code, r.at, round(r.value * 100) / 100, NULL, r.event_id
FROM (
  SELECT v.vehicle_id,
    $3::timestamptz - make_interval(days => ${DAYS}) + make_interval(secs => (k + bench_rand(v.n * 4096 + k, 17) * 0.5) * ${DAYS} * 86400.0 / $2::int) AS at,
    50 + 40 * sin(k / 7.0 + v.n) + bench_rand(v.n * 4096 + k, 18) * 5 AS value,
    bench_id('event', v.n * 4096 + k) AS event_id
  FROM ${seeded} v
  CROSS JOIN generate_series(0, $2::int - 1) k
) r
CROSS JOIN unnest($1::text[]) AS c(code)`,
      values: [[...HISTORY_CODES], perCode, "now"],
    },
    {
      step: "hourly rollups",
      sql: `
INSERT INTO stat_hour AS s (hour, metric, dimension, value)
SELECT hour, metric, dimension, sum(n)::bigint FROM (
  SELECT date_trunc('hour', received_at) AS hour, '${METRIC.received}' AS metric, event_type AS dimension, count(*) AS n FROM event GROUP BY 1, 3
  UNION ALL
  SELECT date_trunc('hour', received_at), '${METRIC.duplicates}', event_type, count(*) FILTER (WHERE delivery_count > 1) FROM event GROUP BY 1, 3
  UNION ALL
  SELECT date_trunc('hour', received_at), '${METRIC.receiveMsBucket}', ${bucketSql("(2 + (hashtext(event_id) & 7))", RECEIVE_MS_BOUNDS)}, count(*) FROM event GROUP BY 1, 3
  UNION ALL
  SELECT date_trunc('hour', processed_at), '${METRIC.processed}', outcome, count(*) FROM event WHERE status = 'PROCESSED' GROUP BY 1, 3
  UNION ALL
  SELECT date_trunc('hour', processed_at), '${METRIC.processingLagMsBucket}', ${bucketSql(lagMs, PROCESSING_LAG_MS_BOUNDS)}, count(*) FROM event WHERE status = 'PROCESSED' GROUP BY 1, 3
  UNION ALL
  SELECT date_trunc('hour', error_at), '${METRIC.deadLettered}', error_reason, count(*) FROM event WHERE status = 'DEAD_LETTERED' GROUP BY 1, 3
  UNION ALL
  SELECT date_trunc('hour', e.received_at), m.metric, CASE m.metric
      WHEN '${METRIC.signalErrorByType}' THEN ($1::text[])[1 + (hashtext(e.event_id) & 4)]
      WHEN '${METRIC.signalErrorBySignal}' THEN 'tractionbattery-range'
      ELSE coalesce(v.make, '') END, sum(e.signals_failed)
  FROM event e LEFT JOIN vehicle v ON v.vehicle_id = e.vehicle_id
  CROSS JOIN (VALUES ('${METRIC.signalErrorByType}'), ('${METRIC.signalErrorBySignal}'), ('${METRIC.signalErrorByMake}')) m(metric)
  WHERE e.signals_failed > 0 GROUP BY 1, 2, 3
  UNION ALL
  SELECT date_trunc('hour', opened_at), '${METRIC.conditionOpened}', type || ':' || code, count(*) FROM vehicle_condition GROUP BY 1, 3
) r WHERE n > 0 GROUP BY 1, 2, 3
ON CONFLICT (hour, metric, dimension) DO UPDATE SET value = s.value + excluded.value`,
      values: [SIGNAL_ERRORS],
    },
  ];
}

/**
 * Runs `insert` on `table` without its indexes, then rebuilds them from their saved definitions:
 * one sorted build per index instead of a random-order insert per row (10 M readings in minutes,
 * not an hour). The schema ends exactly as it was. A primary key others reference stays.
 */
async function withoutIndexes(client: pg.Client, table: string, insert: () => Promise<pg.QueryResult>): Promise<pg.QueryResult> {
  const { rows } = await client.query<{ name: string; definition: string; constraint: boolean }>(
    `SELECT i.relname AS name, coalesce('ALTER TABLE ' || quote_ident($1) || ' ADD CONSTRAINT ' || quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid),
         pg_get_indexdef(i.oid)) AS definition, c.oid IS NOT NULL AS constraint
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid LEFT JOIN pg_constraint c ON c.conindid = i.oid AND c.contype = 'p'
     WHERE x.indrelid = $1::regclass
       AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.confrelid = x.indrelid AND c.oid IS NOT NULL)`,
    [table],
  );
  for (const index of rows) {
    await client.query(index.constraint ? `ALTER TABLE "${table}" DROP CONSTRAINT "${index.name}"` : `DROP INDEX "${index.name}"`);
  }
  const result = await insert();
  for (const index of rows) await client.query(index.definition);
  return result;
}

/** Builds the dataset; returns each step's rows and seconds, then VACUUM ANALYZE's (what autovacuum would have done by then). */
export async function seedDashboard(client: pg.Client, sizes: DashboardSizes): Promise<SeedStep[]> {
  await client.query(HELPERS);
  // Bulk-load settings for this session only. Seed data is not the receiver's writes: no need to
  // wait for each commit's WAL flush. Rows are consistent by construction, so the foreign-key
  // triggers (one lookup per row) are skipped; index builds get room to sort in memory.
  await client.query("SET synchronous_commit = off");
  await client.query("SET session_replication_role = replica");
  await client.query("SET maintenance_work_mem = '512MB'");
  const done: SeedStep[] = [];
  for (const { step, table, sql, values } of steps(sizes)) {
    const started = performance.now();
    const run = () => client.query(sql, values);
    const result = table ? await withoutIndexes(client, table, run) : await run();
    done.push({ step, rows: result.rowCount ?? 0, seconds: round((performance.now() - started) / 1000, 1) });
  }
  const started = performance.now();
  await client.query("VACUUM (ANALYZE) event, delivery, vehicle, vehicle_signal, vehicle_condition, signal_reading, stat_hour");
  done.push({ step: "vacuum analyze", rows: 0, seconds: round((performance.now() - started) / 1000, 1) });
  await client.query("RESET ALL");
  const { rows } = await client.query<{ counted: number; rows: number }>(
    "SELECT (SELECT sum(vehicles) FROM vehicle_count)::int AS counted, (SELECT count(*) FROM vehicle)::int AS rows",
  );
  if (rows[0]?.counted !== rows[0]?.rows) throw new Error(`seed: vehicle_count sums to ${rows[0]?.counted}, the vehicle table holds ${rows[0]?.rows} rows`);
  return done;
}
