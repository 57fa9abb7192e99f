// lib/vehicles/health.ts's rule restated in SQL, so lists can filter and count by health without
// loading every vehicle into JS: NEEDS_REAUTH, then OPEN_ERRORS, then SILENT (quiet longer than
// max(3 × median recent gap, 60 min): vehicle.silent_after, kept by a trigger whose
// percentile_cont(0.5) is the same median as the JS one), else OK. Both sides take `now` as
// input; test/integration/dashboard/vehicles.test.ts checks they agree.

/** EXISTS an open (ERROR) condition for vehicle alias `v`. */
export function hasOpenErrorsSql(v: string): string {
  return `EXISTS (SELECT 1 FROM vehicle_condition c WHERE c.vehicle_id = ${v}.vehicle_id AND c.state = 'ERROR')`;
}

/** The health of vehicle alias `v` at `now` (a timestamptz expression or placeholder). */
export function vehicleHealthSql(v: string, now: string, hasOpenErrors = hasOpenErrorsSql(v)): string {
  return `CASE
    WHEN ${v}.needs_reauth THEN 'NEEDS_REAUTH'
    WHEN ${hasOpenErrors} THEN 'OPEN_ERRORS'
    WHEN ${v}.silent_after < ${now}::timestamptz THEN 'SILENT'
    ELSE 'OK' END`;
}

/**
 * The fleet's count per health at `now` ($1), without a health per vehicle row: each exception
 * is counted from its own index (needs_reauth's partial index, open conditions by state, the
 * silent_after range), OK is what the total leaves. The total is the sum of vehicle_count, which
 * triggers on vehicle keep (migration vehicle_count). The same precedence as
 * vehicleHealthSql: a vehicle counts once, in its first matching health.
 */
export const FLEET_HEALTH_COUNTS_SQL = `
SELECT
  (SELECT coalesce(sum(vehicles), 0) FROM vehicle_count)::int AS total,
  (SELECT count(*) FROM vehicle WHERE needs_reauth)::int AS needs_reauth,
  (SELECT count(*) FROM (SELECT DISTINCT c.vehicle_id FROM vehicle_condition c WHERE c.state = 'ERROR') o
   WHERE NOT EXISTS (SELECT 1 FROM vehicle r WHERE r.vehicle_id = o.vehicle_id AND r.needs_reauth))::int AS open_errors,
  (SELECT count(*) FROM vehicle v
   WHERE v.silent_after < $1::timestamptz AND NOT v.needs_reauth AND NOT ${hasOpenErrorsSql("v")})::int AS silent`;
