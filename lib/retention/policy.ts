import type { Env } from "@/lib/config";

// What retention keeps and for how long, as pure decisions: the cutoffs of a run, and how a walk
// over a big table moves from one pass to the next. The SQL that acts on them lives beside.

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * A walk's complete re-scan from the beginning, this often. Between them each pass only covers
 * what aged past the cutoff since the last one; the re-scan catches rows that became eligible
 * behind the walk (a dead letter re-driven and processed, a late reading with an old timestamp).
 */
export const FULL_PASS_EVERY_MS = DAY_MS;

export interface RetentionSettings {
  /** 0 = that data is kept for ever. */
  payloadDays: number;
  locationDays: number;
  tombstoneDays: number;
  rejectionDays: number;
  alertDays: number;
  executorRunHours: number;
  /** Rows one statement looks at. */
  batchSize: number;
  /** How long one task may keep starting batches (each step of the cron function is one task). */
  timeBudgetMs: number;
}

export function retentionSettings(env: Env): RetentionSettings {
  return {
    payloadDays: env.RETENTION_PAYLOAD_DAYS,
    locationDays: env.RETENTION_LOCATION_DAYS,
    tombstoneDays: env.RETENTION_TOMBSTONE_DAYS,
    rejectionDays: env.RETENTION_REJECTION_DAYS,
    alertDays: env.RETENTION_ALERT_DAYS,
    executorRunHours: env.EXECUTOR_RUN_RETENTION_HOURS,
    batchSize: env.RETENTION_BATCH_SIZE,
    timeBudgetMs: env.RETENTION_TIME_BUDGET_SECONDS * 1000,
  };
}

/** Rows older than each cutoff are due; null = that retention is switched off. */
export interface Cutoffs {
  /** PROCESSED events received before it lose their raw body. */
  payloads: Date | null;
  /** Precise locations from before it are rounded to ~1 km. */
  locations: Date | null;
  /** Final events received before it are deleted (with their deliveries and attempts). */
  tombstones: Date | null;
  /** Rejected deliveries received before it are deleted. */
  rejections: Date | null;
  /** Alerts resolved before it are deleted; open and acknowledged ones stay, however old. */
  alerts: Date | null;
  /** Finished embedded-executor runs that ended before it are deleted. */
  executorRuns: Date | null;
}

export function cutoffs(settings: RetentionSettings, now: Date): Cutoffs {
  const before = (amount: number, unitMs: number) => (amount > 0 ? new Date(now.getTime() - amount * unitMs) : null);
  return {
    payloads: before(settings.payloadDays, DAY_MS),
    locations: before(settings.locationDays, DAY_MS),
    tombstones: before(settings.tombstoneDays, DAY_MS),
    rejections: before(settings.rejectionDays, DAY_MS),
    alerts: before(settings.alertDays, DAY_MS),
    executorRuns: before(settings.executorRunHours, HOUR_MS),
  };
}

/** A position in a walk: the last row visited, by its ordering time and id. */
export interface WalkKey {
  at: Date;
  id: string;
}

/**
 * Where a walk stands. A pass visits, in key order, the rows whose time is in [from, to): from
 * null is a full pass. Kept in maintenance_state between batches and runs.
 */
export interface WalkState {
  from: Date | null;
  to: Date;
  /** Last row visited by the pass; null = the pass has not started. */
  position: WalkKey | null;
  done: boolean;
  fullPassStartedAt: Date;
}

/** The pass to work on now, or null when the walk is caught up with `cutoff`. */
export function planPass(state: WalkState | null, cutoff: Date, now: Date): WalkState | null {
  const fullPass = { from: null, to: cutoff, position: null, done: false, fullPassStartedAt: now };
  if (state === null) return fullPass;
  if (!state.done) return state;
  if (now.getTime() - state.fullPassStartedAt.getTime() >= FULL_PASS_EVERY_MS) return fullPass;
  if (cutoff.getTime() <= state.to.getTime()) return null;
  return { from: state.to, to: cutoff, position: null, done: false, fullPassStartedAt: state.fullPassStartedAt };
}

/** The pass after a batch that visited `walked` rows (at most `limit`), the last being `last`. */
export function advancePass(pass: WalkState, batch: { walked: number; last: WalkKey | null }, limit: number): WalkState {
  return { ...pass, position: batch.last ?? pass.position, done: batch.walked < limit };
}
