// A vehicle's headline health (API.md §4): the first rule that applies wins. Pure, so the
// vehicle page, the vehicle list and alerting agree on one definition.

export type VehicleHealth = "NEEDS_REAUTH" | "OPEN_ERRORS" | "SILENT" | "OK";

export interface VehicleHealthInput {
  needsReauth: boolean;
  /** Any vehicle condition in state ERROR. */
  hasOpenErrors: boolean;
  lastSeenAt: Date | null;
  /** Recent gaps between events, in seconds. */
  recentGaps: readonly number[];
  now: Date;
}

// A vehicle that reports every few minutes is not "silent" after ten: one hour is the floor.
// Mirrored by the vehicle_silent_after trigger (prisma/migrations/*_vehicle_silent_after).
export const MIN_SILENCE_SECONDS = 60 * 60;
export const SILENCE_GAP_FACTOR = 3;

export function vehicleHealth(input: VehicleHealthInput): VehicleHealth {
  if (input.needsReauth) return "NEEDS_REAUTH";
  if (input.hasOpenErrors) return "OPEN_ERRORS";
  if (isSilent(input)) return "SILENT";
  return "OK";
}

/** How long a vehicle may stay quiet before it counts as SILENT: max(3 × median gap, 60 min). */
export function silenceThresholdSeconds(recentGaps: readonly number[]): number {
  const typicalGap = median(recentGaps);
  return Math.max(SILENCE_GAP_FACTOR * (typicalGap ?? 0), MIN_SILENCE_SECONDS);
}

// A vehicle never seen has no silence to measure.
function isSilent({ lastSeenAt, recentGaps, now }: VehicleHealthInput): boolean {
  if (!lastSeenAt) return false;
  const quietSeconds = (now.getTime() - lastSeenAt.getTime()) / 1000;
  return quietSeconds > silenceThresholdSeconds(recentGaps);
}

function median(values: readonly number[]): number | null {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}
