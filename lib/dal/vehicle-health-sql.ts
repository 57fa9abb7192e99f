import { MIN_SILENCE_SECONDS, SILENCE_GAP_FACTOR } from "@/lib/vehicles/health";

// lib/vehicles/health.ts's rule restated in SQL, so lists can filter and count by health without
// loading every vehicle into JS: NEEDS_REAUTH, then OPEN_ERRORS, then SILENT (quiet longer than
// max(3 × median recent gap, 60 min)), else OK. percentile_cont(0.5) is the same median as the
// JS one (the mean of the two middle gaps for an even count). Both sides take `now` as input;
// test/integration/dashboard/vehicles.test.ts checks they agree.

/** EXISTS an open (ERROR) condition for vehicle alias `v`. */
export function hasOpenErrorsSql(v: string): string {
  return `EXISTS (SELECT 1 FROM vehicle_condition c WHERE c.vehicle_id = ${v}.vehicle_id AND c.state = 'ERROR')`;
}

/** The health of vehicle alias `v` at `now` (a timestamptz expression or placeholder). */
export function vehicleHealthSql(v: string, now: string, hasOpenErrors = hasOpenErrorsSql(v)): string {
  return `CASE
    WHEN ${v}.needs_reauth THEN 'NEEDS_REAUTH'
    WHEN ${hasOpenErrors} THEN 'OPEN_ERRORS'
    WHEN ${v}.last_seen_at IS NOT NULL
     AND extract(epoch FROM ${now}::timestamptz - ${v}.last_seen_at) > greatest(
       ${SILENCE_GAP_FACTOR} * coalesce((SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY g) FROM unnest(${v}.recent_gaps) AS g), 0),
       ${MIN_SILENCE_SECONDS})
    THEN 'SILENT'
    ELSE 'OK' END`;
}
