import type { Prisma, EventStatus } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import type { Role } from "@/lib/auth/roles";
import { normaliseEvent } from "@/lib/smartcar/normalise";
import { redactSignalBody } from "@/lib/vehicles/redact-location";
import { epochMsToIso, isoOrNull } from "@/lib/dal/timestamps";

// Read side of one event (API.md §3): the resource and its three detail lists. Every function
// returns null for an unknown eventId so routes answer 404 and pages call notFound().
// Timestamps are ISO-8601 UTC with milliseconds; absent ones are null.

export interface EventResource {
  eventId: string;
  eventType: string;
  vehicleId: string | null;
  mode: "LIVE" | "TEST" | null;
  status: EventStatus;
  /** APPLIED | ALL_STALE | TEST_NOT_APPLIED | IGNORED_EVENT_TYPE | DUPLICATE_ERROR, once PROCESSED. */
  outcome: string | null;
  receivedAt: string;
  dispatchedAt: string | null;
  processedAt: string | null;
  /** Delivery rows: one per HTTP attempt that reached storage, duplicates included. */
  deliveries: number;
  attempts: number;
  redrives: number;
  signals: { applied: number; stale: number; failed: number };
  error: { reason: string | null; message: string | null; at: string | null } | null;
}

/** The columns toEventResource needs; shared with the event list so both render one shape. */
export const eventResourceSelect = {
  eventId: true,
  eventType: true,
  vehicleId: true,
  mode: true,
  status: true,
  outcome: true,
  receivedAt: true,
  dispatchedAt: true,
  processedAt: true,
  deliveryCount: true,
  attempts: true,
  redrives: true,
  signalsApplied: true,
  signalsStale: true,
  signalsFailed: true,
  errorReason: true,
  errorMessage: true,
  errorAt: true,
} satisfies Prisma.EventSelect;

export type EventResourceRow = Prisma.EventGetPayload<{ select: typeof eventResourceSelect }>;

export function toEventResource(row: EventResourceRow): EventResource {
  const hasError = row.errorReason !== null || row.errorMessage !== null;
  return {
    eventId: row.eventId,
    eventType: row.eventType,
    vehicleId: row.vehicleId,
    mode: row.mode === "LIVE" || row.mode === "TEST" ? row.mode : null,
    status: row.status,
    outcome: row.outcome,
    receivedAt: row.receivedAt.toISOString(),
    dispatchedAt: isoOrNull(row.dispatchedAt),
    processedAt: isoOrNull(row.processedAt),
    deliveries: row.deliveryCount,
    attempts: row.attempts,
    redrives: row.redrives,
    signals: { applied: row.signalsApplied, stale: row.signalsStale, failed: row.signalsFailed },
    error: hasError ? { reason: row.errorReason, message: row.errorMessage, at: isoOrNull(row.errorAt) } : null,
  };
}

export async function getEventResource(eventId: string): Promise<EventResource | null> {
  const row = await prisma().event.findUnique({ where: { eventId }, select: eventResourceSelect });
  return row ? toEventResource(row) : null;
}

/** One HTTP attempt that reached storage. */
export interface DeliveryDto {
  /** Our row id (a delivery's own identity; Smartcar's deliveryId may repeat). */
  id: string;
  deliveryId: string | null;
  /** meta.deliveredAt as Smartcar stated it. */
  deliveredAt: string | null;
  receivedAt: string;
  /** A retry of an eventId that was already stored. */
  duplicate: boolean;
  /** Which configured management token verified it. */
  tokenSlot: string;
  bodyBytes: number;
  userAgent: string | null;
}

/** Oldest first: the order Smartcar sent them. */
export async function listEventDeliveries(eventId: string): Promise<DeliveryDto[] | null> {
  const event = await prisma().event.findUnique({
    where: { eventId },
    select: { deliveries: { orderBy: [{ receivedAt: "asc" }, { id: "asc" }] } },
  });
  return event?.deliveries.map((d) => ({
    id: d.id.toString(),
    deliveryId: d.deliveryId,
    deliveredAt: isoOrNull(d.deliveredAt),
    receivedAt: d.receivedAt.toISOString(),
    duplicate: d.duplicate,
    tokenSlot: d.tokenSlot,
    bodyBytes: d.bodyBytes,
    userAgent: d.userAgent,
  })) ?? null;
}

/** One processing run attempt (processing_attempt row). */
export interface ProcessingAttemptDto {
  id: string;
  attempt: number;
  runId: string | null;
  startedAt: string;
  finishedAt: string | null;
  /** "ok" | "error" | "dead_lettered" */
  result: string;
  outcome: string | null;
  error: string | null;
  stack: string | null;
}

/** Oldest first; attempts keep counting across re-drives. */
export async function listEventAttempts(eventId: string): Promise<ProcessingAttemptDto[] | null> {
  const event = await prisma().event.findUnique({
    where: { eventId },
    select: { attemptsLog: { orderBy: [{ startedAt: "asc" }, { id: "asc" }] } },
  });
  return event?.attemptsLog.map((a) => ({
    id: a.id.toString(),
    attempt: a.attempt,
    runId: a.runId,
    startedAt: a.startedAt.toISOString(),
    finishedAt: isoOrNull(a.finishedAt),
    result: a.result,
    outcome: a.outcome,
    error: a.error,
    stack: a.stack,
  })) ?? null;
}

/**
 * What processing made of one signal of a PROCESSED event: FAILED (the car reported an error for
 * it), STALE (not newer than the value already stored: the event's stale_signals) or APPLIED.
 */
export type SignalOutcome = "APPLIED" | "STALE" | "FAILED";

/**
 * One signal as the stored raw payload reported it, with what processing made of it. Codes are
 * normalised to lower case; a failed signal has `body: null` and an `error`. The precise location
 * is coarsened for viewers, as everywhere.
 */
export interface EventSignalDto {
  code: string;
  name: string | null;
  group: string | null;
  status: "OK" | "ERROR";
  /**
   * Null until the event is PROCESSED with outcome APPLIED or ALL_STALE — and for events
   * processed before per-signal stale codes were recorded, whose stale readings cannot be told
   * from the applied ones.
   */
  outcome: SignalOutcome | null;
  body: unknown;
  unit: string | null;
  error: { type: string; code: string | null } | null;
  oemUpdatedAt: string | null;
  /** meta.retrievedAt, or meta.fetchedAt in the newest docs' shape. */
  retrievedAt: string | null;
}

/**
 * Payload order. VEHICLE_ERROR, legacy v2 and unknown event types carry no signals (empty list).
 * Throws PAYLOAD_PURGED (410) once retention has removed the raw body.
 */
export async function listEventSignals(eventId: string, { viewerRole }: { viewerRole: Role }): Promise<EventSignalDto[] | null> {
  const event = await prisma().event.findUnique({
    where: { eventId },
    select: { rawBody: true, status: true, outcome: true, staleSignals: true, signalsStale: true },
  });
  if (!event) return null;
  if (event.rawBody === null) throw new AppError("PAYLOAD_PURGED", "The raw payload of this event has been purged by retention.");
  const outcomeOf = signalOutcomes(event);
  return normaliseEvent(parseStoredJson(event.rawBody)).signals.map((s) => ({
    code: s.code,
    name: s.name,
    group: s.group,
    status: s.error ? "ERROR" : "OK",
    outcome: outcomeOf(s.code, s.error !== null),
    body: redactSignalBody(s.code, s.body, viewerRole),
    unit: s.unit,
    error: s.error,
    oemUpdatedAt: epochMsToIso(s.oemUpdatedAt),
    retrievedAt: epochMsToIso(s.retrievedAt),
  }));
}

type OutcomeSource = { status: EventStatus; outcome: string | null; staleSignals: string[]; signalsStale: number };

/** Per-signal outcomes from the event's outcome and stale codes (null where they cannot say). */
function signalOutcomes(event: OutcomeSource): (code: string, failed: boolean) => SignalOutcome | null {
  const isApplied = event.status === "PROCESSED" && event.outcome === "APPLIED";
  const isAllStale = event.status === "PROCESSED" && event.outcome === "ALL_STALE";
  // Processed before stale codes were kept: the count says some were stale, not which.
  const isUnrecorded = isApplied && event.signalsStale > 0 && event.staleSignals.length === 0;
  if ((!isApplied && !isAllStale) || isUnrecorded) return () => null;
  const stale = new Set(event.staleSignals.map((code) => code.toLowerCase()));
  return (code, failed) => (failed ? "FAILED" : isAllStale || stale.has(code) ? "STALE" : "APPLIED");
}

// The receiver stores only bodies that parsed as JSON; anything else reads as "no signals".
function parseStoredJson(rawBody: string): unknown {
  try {
    return JSON.parse(rawBody);
  } catch {
    return null;
  }
}
