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
