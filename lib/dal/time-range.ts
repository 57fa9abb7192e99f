import { z } from "zod";
import { AppError } from "@/lib/errors";

// `from` / `to` of the dashboard's queries: ISO-8601 timestamps (or dates), from inclusive,
// to exclusive.

export const timestampSchema = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], { error: "expected an ISO-8601 timestamp, e.g. 2026-01-10T12:00:00Z" })
  .transform((value) => new Date(value));

export const rangeQuerySchema = z.object({ from: timestampSchema.optional(), to: timestampSchema.optional() });

export interface TimeRange {
  from: Date;
  to: Date;
}

const HOUR_MS = 3_600_000;

/**
 * The range to read: missing ends default to the `defaultHours` up to now; a range that is
 * backwards or longer than `maxHours` is a 400, so one request cannot ask for years of rows.
 */
export function resolveRange(
  query: { from?: Date; to?: Date },
  { defaultHours, maxHours, now = new Date() }: { defaultHours: number; maxHours: number; now?: Date },
): TimeRange {
  const to = query.to ?? now;
  const from = query.from ?? new Date(to.getTime() - defaultHours * HOUR_MS);
  if (from.getTime() >= to.getTime()) throw new AppError("INVALID_QUERY", "Invalid query: from must be before to.");
  if (to.getTime() - from.getTime() > maxHours * HOUR_MS) {
    throw new AppError("INVALID_QUERY", `Invalid query: the range may span at most ${maxHours} hours.`);
  }
  return { from, to };
}

/** The range widened to whole UTC hours: what hourly rollups can answer. */
export function toWholeHours({ from, to }: TimeRange): TimeRange {
  return { from: new Date(Math.floor(from.getTime() / HOUR_MS) * HOUR_MS), to: new Date(Math.ceil(to.getTime() / HOUR_MS) * HOUR_MS) };
}

/** The start of every UTC hour in a whole-hour range, oldest first. */
export function hourStarts({ from, to }: TimeRange): Date[] {
  const hours: Date[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += HOUR_MS) hours.push(new Date(t));
  return hours;
}
