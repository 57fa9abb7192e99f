import { quantile } from "@/lib/stats/quantiles";
import { RECEIVE_MS_BOUNDS } from "@/lib/stats/metric-names";
import { silenceThresholdSeconds } from "@/lib/vehicles/health";
import { count, duration, millis, percent, plural, utcMinute, vehicleLabel } from "@/lib/alerts/wording";

// The alert rules: what the database looks like now (Observations, read by observe.ts) in, the
// set of problems that are firing out. Pure, so every threshold and every wording is unit-tested
// without a database; one (rule, subject) fires at most once per evaluation, and that pair is
// what an alert is deduplicated on.

/** Rule ids: stored in alert.rule, shown in notifications and the API. Renaming one orphans its live alerts. */
export const RULE = {
  signatureFailures: "signature_failures",
  previousTokenInUse: "previous_token_in_use",
  processingErrorRate: "processing_error_rate",
  backlogAge: "backlog_age",
  receiveLatency: "receive_latency",
  deadLetters: "dead_letters",
  vehicleSilent: "vehicle_silent",
  vehiclesSilent: "vehicles_silent",
  vehicleNeedsReauth: "vehicle_needs_reauth",
  vehiclesNeedReauth: "vehicles_need_reauth",
  storageOutage: "storage_outage",
} as const;

export type AlertRule = (typeof RULE)[keyof typeof RULE];

export type Severity = "warning" | "critical";

/** A firing alert's facts: `summary` says it in a sentence, the rest are the numbers behind it. */
export type AlertDetail = { summary: string } & Record<string, string | number | boolean | null>;

export interface FiringAlert {
  rule: AlertRule;
  /** "" for fleet-wide rules; a vehicleId or an outage window id otherwise. */
  subject: string;
  dedupeKey: string;
  severity: Severity;
  /** Stable while the problem lasts (numbers go in the detail): the notification quotes it once. */
  title: string;
  detail: AlertDetail;
}

export interface AlertThresholds {
  /** Window of the signature, processing-error and dead-letter rules. */
  windowMinutes: number;
  signatureFailures: number;
  /** The previous-token rule only runs while SMARTCAR_MANAGEMENT_TOKEN_PREVIOUS is set. */
  previousTokenConfigured: boolean;
  previousTokenWindowMinutes: number;
  /** Failed share of processing attempts, 0–1. */
  processingErrorRate: number;
  processingMinAttempts: number;
  backlogAgeSeconds: number;
  receiveP95Ms: number;
  receiveMinSamples: number;
  receiveWindowMinutes: number;
  deadLetters: number;
  /** Per-vehicle alerts per rule; vehicles past it are summed up in one fleet alert. */
  vehicleAlertsMax: number;
  outageGraceMinutes: number;
}

export interface VehicleFacts {
  vehicleId: string;
  make: string | null;
  model: string | null;
  year: number | null;
}

export interface SilentVehicle extends VehicleFacts {
  lastSeenAt: Date;
  recentGaps: number[];
}

export interface ReauthVehicle extends VehicleFacts {
  /** Ordering time of the report that set needsReauth. */
  since: Date | null;
  /** Open conditions of the vehicle, "TYPE:CODE". */
  conditions: string[];
}

export interface OutageWindow {
  id: string;
  startedAt: Date;
  endedAt: Date | null;
  mode: string;
  refused: number;
  spooled: number;
  replayed: number;
  instance: string;
  /** Whether any alert (live or resolved) was ever opened for this window. */
  alerted: boolean;
}

/**
 * Each vehicle list holds at most `vehicleAlertsMax` vehicles, those that already have a live
 * alert first (so the chosen set is stable from one evaluation to the next), and `total`
 * counts them all.
 */
export interface Observations {
  now: Date;
  /** Rejections in the window. */
  signatures: { missing: number; mismatch: number; lastAt: Date | null };
  /** Deliveries stored in the window (verified by either token): tells "some senders fail" from "everything fails". */
  verifiedDeliveries: number;
  /** Deliveries verified by the previous token, in its own window. */
  previousToken: { deliveries: number; lastAt: Date | null };
  /** The newest processing attempts in the window (bounded sample, see observe.ts). */
  processing: { attempts: number; failed: number };
  deadLetters: { count: number; lastAt: Date | null; lastEventId: string | null; lastReason: string | null };
  backlog: { pending: number; processing: number; oldestEventId: string | null; oldestWaitingSince: Date | null };
  /** receive_ms_bucket counts of the rollup hours since `since`, by bucket dimension. */
  receiveLatency: { since: Date; buckets: ReadonlyMap<string, number> };
  silentVehicles: { total: number; vehicles: SilentVehicle[] };
  reauthVehicles: { total: number; vehicles: ReauthVehicle[] };
  /** Windows started recently, and any still open. */
  outages: OutageWindow[];
}

/** The unique key of a live alert: one per rule and subject. */
export function dedupeKey(rule: AlertRule, subject: string): string {
  return subject === "" ? rule : `${subjectKeyPrefix(rule)}${subject}`;
}

/** What the key of every per-subject alert of `rule` starts with. */
export function subjectKeyPrefix(rule: AlertRule): string {
  return `${rule}:`;
}

/** Everything that fires now. */
export function firingAlerts(obs: Observations, t: AlertThresholds): FiringAlert[] {
  return [
    ...signatureFailures(obs, t),
    ...previousTokenInUse(obs, t),
    ...processingErrorRate(obs, t),
    ...backlogAge(obs, t),
    ...receiveLatency(obs, t),
    ...deadLetters(obs, t),
    ...silentVehicles(obs, t),
    ...reauthVehicles(obs, t),
    ...storageOutages(obs, t),
  ];
}

function alert(rule: AlertRule, subject: string, severity: Severity, title: string, detail: AlertDetail): FiringAlert {
  return { rule, subject, dedupeKey: dedupeKey(rule, subject), severity, title, detail };
}

const iso = (at: Date | null) => (at ? at.toISOString() : null);
const secondsBetween = (from: Date, to: Date) => Math.max(0, (to.getTime() - from.getTime()) / 1000);

function signatureFailures({ signatures, verifiedDeliveries }: Observations, t: AlertThresholds): FiringAlert[] {
  const failures = signatures.missing + signatures.mismatch;
  if (failures < t.signatureFailures) return [];
  // Nothing verified at all is what a wrong configured token looks like: every event is being lost.
  const nothingVerified = verifiedDeliveries === 0;
  const summary = nothingVerified
    ? `${plural(failures, "request")} refused for their signature in the last ${t.windowMinutes} min and none verified: check SMARTCAR_MANAGEMENT_TOKEN — Smartcar drops an event after its retries.`
    : `${plural(failures, "request")} refused for their signature in the last ${t.windowMinutes} min, while ${plural(verifiedDeliveries, "delivery", "deliveries")} verified.`;
  return [
    alert(RULE.signatureFailures, "", nothingVerified ? "critical" : "warning", "Webhook signature failures", {
      summary,
      signatureMissing: signatures.missing,
      signatureMismatch: signatures.mismatch,
      verifiedDeliveries,
      threshold: t.signatureFailures,
      windowMinutes: t.windowMinutes,
      lastAt: iso(signatures.lastAt),
    }),
  ];
}

function previousTokenInUse({ previousToken }: Observations, t: AlertThresholds): FiringAlert[] {
  if (!t.previousTokenConfigured || previousToken.deliveries === 0) return [];
  return [
    alert(RULE.previousTokenInUse, "", "warning", "Deliveries still signed with the previous token", {
      summary: `${plural(previousToken.deliveries, "delivery", "deliveries")} in the last ${t.previousTokenWindowMinutes} min verified only with SMARTCAR_MANAGEMENT_TOKEN_PREVIOUS: Smartcar still signs with the old token, so it is not safe to remove it yet.`,
      deliveries: previousToken.deliveries,
      windowMinutes: t.previousTokenWindowMinutes,
      lastAt: iso(previousToken.lastAt),
    }),
  ];
}

function processingErrorRate({ processing }: Observations, t: AlertThresholds): FiringAlert[] {
  if (processing.attempts < t.processingMinAttempts || processing.attempts === 0) return [];
  const rate = processing.failed / processing.attempts;
  if (rate < t.processingErrorRate) return [];
  return [
    alert(RULE.processingErrorRate, "", "warning", "Processing attempts failing", {
      summary: `${count(processing.failed)} of ${plural(processing.attempts, "processing attempt")} failed in the last ${t.windowMinutes} min (${percent(rate)}; threshold ${percent(t.processingErrorRate)}).`,
      attempts: processing.attempts,
      failed: processing.failed,
      rate: Math.round(rate * 10_000) / 10_000,
      threshold: t.processingErrorRate,
      windowMinutes: t.windowMinutes,
    }),
  ];
}

function backlogAge({ backlog, now }: Observations, t: AlertThresholds): FiringAlert[] {
  if (!backlog.oldestWaitingSince) return [];
  const ageSeconds = secondsBetween(backlog.oldestWaitingSince, now);
  if (ageSeconds < t.backlogAgeSeconds) return [];
  return [
    alert(RULE.backlogAge, "", "warning", "Processing backlog is not draining", {
      summary: `The oldest unprocessed event has waited ${duration(ageSeconds)} (threshold ${duration(t.backlogAgeSeconds)}); ${count(backlog.pending)} pending, ${count(backlog.processing)} processing.`,
      oldestAgeSeconds: Math.round(ageSeconds),
      oldestEventId: backlog.oldestEventId,
      pending: backlog.pending,
      processing: backlog.processing,
      thresholdSeconds: t.backlogAgeSeconds,
    }),
  ];
}

function receiveLatency({ receiveLatency: latency }: Observations, t: AlertThresholds): FiringAlert[] {
  const samples = [...latency.buckets.values()].reduce((sum, n) => sum + n, 0);
  if (samples < t.receiveMinSamples || samples === 0) return [];
  const p95 = quantile(latency.buckets, RECEIVE_MS_BOUNDS, 0.95);
  if (p95 === null || p95 < t.receiveP95Ms) return [];
  return [
    alert(RULE.receiveLatency, "", "warning", "Receiver answers approach Smartcar's 15 s timeout", {
      summary: `p95 receive time ${millis(p95)} over ${plural(samples, "delivery", "deliveries")} since ${utcMinute(latency.since)} (threshold ${millis(t.receiveP95Ms)}); Smartcar gives up after 15 s.`,
      p95Ms: Math.round(p95),
      samples,
      thresholdMs: t.receiveP95Ms,
      since: latency.since.toISOString(),
    }),
  ];
}

function deadLetters({ deadLetters: dead }: Observations, t: AlertThresholds): FiringAlert[] {
  if (dead.count < t.deadLetters) return [];
  const latest = dead.lastEventId ? ` Latest: ${dead.lastEventId}${dead.lastReason ? ` (${dead.lastReason})` : ""}.` : "";
  return [
    alert(RULE.deadLetters, "", "warning", "Events dead-lettered", {
      summary: `${plural(dead.count, "event")} dead-lettered in the last ${t.windowMinutes} min.${latest}`,
      count: dead.count,
      windowMinutes: t.windowMinutes,
      lastAt: iso(dead.lastAt),
      lastEventId: dead.lastEventId,
      lastReason: dead.lastReason,
    }),
  ];
}

function silentVehicles({ silentVehicles: silent, now }: Observations, t: AlertThresholds): FiringAlert[] {
  const alerted = silent.vehicles.slice(0, t.vehicleAlertsMax);
  const perVehicle = alerted.map((v) => {
    const quietSeconds = secondsBetween(v.lastSeenAt, now);
    const thresholdSeconds = silenceThresholdSeconds(v.recentGaps);
    return alert(RULE.vehicleSilent, v.vehicleId, "warning", `Vehicle silent: ${vehicleLabel(v)}`, {
      summary: `No event for ${duration(quietSeconds)}; it counts as silent after ${duration(thresholdSeconds)} (3 × its usual gap, at least 1 h).`,
      vehicleId: v.vehicleId,
      lastSeenAt: v.lastSeenAt.toISOString(),
      quietSeconds: Math.round(quietSeconds),
      thresholdSeconds: Math.round(thresholdSeconds),
    });
  });
  return [...perVehicle, ...fleetOverflow(RULE.vehiclesSilent, "More silent vehicles than individual alerts", "silent", silent.total, alerted.length)];
}

function reauthVehicles({ reauthVehicles: reauth }: Observations, t: AlertThresholds): FiringAlert[] {
  const alerted = reauth.vehicles.slice(0, t.vehicleAlertsMax);
  const perVehicle = alerted.map((v) => {
    const conditions = v.conditions.length > 0 ? ` Open: ${v.conditions.join(", ")}.` : "";
    return alert(RULE.vehicleNeedsReauth, v.vehicleId, "warning", `Vehicle needs re-authorisation: ${vehicleLabel(v)}`, {
      summary: `Smartcar reported an account or permission error${v.since ? ` at ${utcMinute(v.since)}` : ""}: the owner must reconnect the vehicle before it sends data again.${conditions}`,
      vehicleId: v.vehicleId,
      since: iso(v.since),
      conditions: v.conditions.join(", "),
    });
  });
  return [...perVehicle, ...fleetOverflow(RULE.vehiclesNeedReauth, "More vehicles needing re-authorisation than individual alerts", "in need of re-authorisation", reauth.total, alerted.length)];
}

// One fleet-level alert stands for the vehicles past the per-vehicle cap, so one bad hour
// cannot open (and notify) thousands of alerts.
function fleetOverflow(rule: AlertRule, title: string, what: string, total: number, individual: number): FiringAlert[] {
  if (total <= individual) return [];
  return [
    alert(rule, "", "warning", title, {
      summary: `${plural(total, "vehicle")} ${total === 1 ? "is" : "are"} ${what}; ${count(individual)} have an alert of their own, the other ${count(total - individual)} are counted here.`,
      total,
      individualAlerts: individual,
    }),
  ];
}

function storageOutages({ outages, now }: Observations, t: AlertThresholds): FiringAlert[] {
  const graceMs = t.outageGraceMinutes * 60_000;
  return outages
    .filter((w) => w.endedAt === null || now.getTime() - w.endedAt.getTime() < graceMs || !w.alerted)
    .map((w) => {
      // "spooled" kept every delivery on disk; anything else may have lost events.
      const isSpooled = w.mode === "spooled";
      const span = w.endedAt
        ? `from ${utcMinute(w.startedAt)} to ${utcMinute(w.endedAt)} (${duration(secondsBetween(w.startedAt, w.endedAt))})`
        : `since ${utcMinute(w.startedAt)} (ongoing)`;
      const consequence = isSpooled
        ? `${plural(w.spooled, "delivery", "deliveries")} kept on local disk, ${count(w.replayed)} replayed so far.`
        : `${plural(w.refused, "delivery", "deliveries")} answered 503: Smartcar retries for about 3 minutes, so events may have been lost.`;
      return alert(RULE.storageOutage, w.id, isSpooled ? "warning" : "critical", isSpooled ? "Database outage: deliveries spooled" : "Database outage: deliveries refused", {
        summary: `The database was unavailable to ${w.instance} ${span}. ${consequence}`,
        windowId: w.id,
        mode: w.mode,
        startedAt: w.startedAt.toISOString(),
        endedAt: iso(w.endedAt),
        refused: w.refused,
        spooled: w.spooled,
        replayed: w.replayed,
        instance: w.instance,
      });
    });
}
