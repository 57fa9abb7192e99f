import type { AlertThresholds } from "@/lib/alerts/rules";
import type { Env } from "@/lib/config";

/** The rules' thresholds from the parsed ALERT_* configuration. */
export function alertThresholds(config: Env): AlertThresholds {
  return {
    windowMinutes: config.ALERT_WINDOW_MINUTES,
    signatureFailures: config.ALERT_SIGNATURE_FAILURES,
    previousTokenConfigured: Boolean(config.SMARTCAR_MANAGEMENT_TOKEN_PREVIOUS),
    previousTokenWindowMinutes: config.ALERT_PREVIOUS_TOKEN_WINDOW_MINUTES,
    processingErrorRate: config.ALERT_PROCESSING_ERROR_RATE,
    processingMinAttempts: config.ALERT_PROCESSING_MIN_ATTEMPTS,
    backlogAgeSeconds: config.ALERT_BACKLOG_AGE_SECONDS,
    receiveP95Ms: config.ALERT_RECEIVE_P95_MS,
    receiveMinSamples: config.ALERT_RECEIVE_MIN_SAMPLES,
    receiveWindowMinutes: config.ALERT_RECEIVE_WINDOW_MINUTES,
    deadLetters: config.ALERT_DEAD_LETTERS,
    vehicleAlertsMax: config.ALERT_VEHICLE_ALERTS_MAX,
    outageGraceMinutes: config.ALERT_OUTAGE_GRACE_MINUTES,
  };
}
