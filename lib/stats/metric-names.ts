// Hourly rollups (stat_hour: hour, metric, dimension, value), kept on write so the overview and
// error pages read a few hundred rows instead of scanning events. `hour` is the UTC hour the
// thing happened in; `value` is a count. Every metric and what its dimension holds:
//
// Receiver (counted in-process by lib/stats/receiver-stats.ts, flushed every few seconds):
//   received                 new events stored                        dimension: eventType
//   duplicates               retries of an already-stored eventId     dimension: eventType
//   rejected                 refused requests, incl. 503s             dimension: reason (TOKEN_NOT_CONFIGURED,
//                            BODY_TOO_LARGE, INVALID_CHALLENGE, SIGNATURE_MISSING, SIGNATURE_MISMATCH,
//                            INVALID_JSON, INVALID_SCHEMA, STORAGE_UNAVAILABLE)
//   receive_ms_bucket        answer time of acknowledged deliveries   dimension: bucket upper bound in ms
//                            (accepted + duplicate), one count per delivery in exactly one bucket
//                            ("1" … "15000", "+Inf"), so quantiles per hour or range are derivable
//   receive_ms_sum           sum of those answer times, in ms         dimension: ""
//
// Processing (written in the processing transaction by lib/stats/processing-stats.ts: exact):
//   processed                events that reached PROCESSED            dimension: outcome
//   processing_lag_ms_bucket receipt → PROCESSED, in ms               dimension: bucket upper bound in ms
//   dead_lettered            events that reached DEAD_LETTERED        dimension: reason
//   signal_error_by_type     failed signals in VEHICLE_STATE          dimension: "TYPE:CODE" (code may be empty)
//   signal_error_by_signal   the same failures                        dimension: signal code
//   signal_error_by_make     the same failures                        dimension: vehicle make ("" when unknown)
//   condition_opened         vehicle conditions newly opened (ERROR)  dimension: "TYPE:CODE"
//   condition_opened_by_signal  the same, once per listed signal      dimension: signal code
//   condition_opened_by_make    the same                              dimension: vehicle make ("" when unknown)
//
// Signal errors, vehicle conditions and delivery/processing failures stay separate metrics:
// they are three different things (DESIGN.md).

export const METRIC = {
  received: "received",
  duplicates: "duplicates",
  rejected: "rejected",
  receiveMsBucket: "receive_ms_bucket",
  receiveMsSum: "receive_ms_sum",
  processed: "processed",
  processingLagMsBucket: "processing_lag_ms_bucket",
  deadLettered: "dead_lettered",
  signalErrorByType: "signal_error_by_type",
  signalErrorBySignal: "signal_error_by_signal",
  signalErrorByMake: "signal_error_by_make",
  conditionOpened: "condition_opened",
  conditionOpenedBySignal: "condition_opened_by_signal",
  conditionOpenedByMake: "condition_opened_by_make",
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** Upper bounds (ms) of the receive-time buckets: Smartcar gives up after 15 s. */
export const RECEIVE_MS_BOUNDS = [1, 2, 5, 10, 25, 50, 100, 200, 500, 1_000, 2_000, 5_000, 15_000] as const;

/** Upper bounds (ms) of the processing-lag buckets: from "at once" to "an hour behind". */
export const PROCESSING_LAG_MS_BOUNDS = [100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000, 900_000, 3_600_000] as const;

export const OVERFLOW_BUCKET = "+Inf";

/** The dimension of the bucket `ms` falls in: the first bound it does not exceed. */
export function bucketFor(ms: number, bounds: readonly number[]): string {
  const bound = bounds.find((b) => ms <= b);
  return bound === undefined ? OVERFLOW_BUCKET : String(bound);
}

const HOUR_MS = 3_600_000;

/** The start of the UTC hour holding `at`. */
export function hourOf(at: Date | number): Date {
  const ms = typeof at === "number" ? at : at.getTime();
  return new Date(Math.floor(ms / HOUR_MS) * HOUR_MS);
}

// Dimensions come from payloads (eventType, make, codes): bounded so one odd value cannot bloat the table.
export const MAX_DIMENSION_LENGTH = 128;

export function dimension(value: string | null | undefined): string {
  return (value ?? "").slice(0, MAX_DIMENSION_LENGTH);
}
