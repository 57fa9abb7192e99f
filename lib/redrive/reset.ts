import type { EventStatus, Prisma } from "@/lib/db/generated/client";

// What a re-drive does to an event (API.md §3, §5): back to PENDING, one more re-drive, and no
// dispatch yet — so when the hand-over to the queue fails, the sweep finds it undispatched and
// sends it again. attempts keep counting; the last error stays visible until a run replaces it.
export const REDRIVE_RESET = {
  status: "PENDING",
  redrives: { increment: 1 },
  dispatchedAt: null,
  outcome: null,
  processedAt: null,
} satisfies Prisma.EventUpdateManyMutationInput;

/** Events that may be re-driven: in an allowed status, with the payload still kept. */
export function redrivable(statuses: EventStatus[]): Prisma.EventWhereInput {
  return { status: { in: statuses }, rawBody: { not: null } };
}

/** The Inngest event id of the n-th re-drive (API.md §2): unique, so Inngest's dedupe never drops it. */
export function redriveInngestId(eventId: string, redrives: number): string {
  return `${eventId}:redrive:${redrives}`;
}
