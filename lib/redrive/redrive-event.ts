import { actorFromPrincipal, recordAudit } from "@/lib/audit";
import type { Principal } from "@/lib/auth/require-role";
import type { EventStatus, Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import { assertRole } from "@/lib/dal/authorize";
import { AppError } from "@/lib/errors";
import { dispatchStoredEvents } from "@/lib/ingest/dispatch";
import { REDRIVE_RESET, redrivable, redriveInngestId } from "@/lib/redrive/reset";

export interface RedriveResult {
  eventId: string;
  /** How many times the event has been re-driven, this time included. */
  redrives: number;
}

/**
 * Re-drives one event (API.md §5 POST /events/{id}/redrive): a DEAD_LETTERED one, or a PROCESSED
 * one with `force`. The status change and its audit entry commit together; the hand-over to the
 * queue follows, and the sweep repeats it if it fails. Throws NOT_FOUND, NOT_REDRIVABLE (409) or
 * PAYLOAD_PURGED (410).
 */
export async function redriveEvent(principal: Principal, eventId: string, { force = false }: { force?: boolean } = {}): Promise<RedriveResult> {
  assertRole(principal, "support");
  const statuses: EventStatus[] = force ? ["DEAD_LETTERED", "PROCESSED"] : ["DEAD_LETTERED"];
  const event = await prisma().$transaction(async (tx) => {
    // The status condition is in the UPDATE itself: of two concurrent re-drives, one wins.
    const [row] = await tx.event.updateManyAndReturn({
      where: { eventId, ...redrivable(statuses) },
      data: REDRIVE_RESET,
      select: { vehicleId: true, redrives: true },
    });
    if (!row) throw await whyNotRedrivable(tx, eventId, force);
    await recordAudit(
      { actor: actorFromPrincipal(principal), action: "event.redrive", targetType: "event", targetId: eventId, details: { force, redrives: row.redrives } },
      tx,
    );
    return row;
  });
  await dispatchStoredEvents([{ eventId, vehicleId: event.vehicleId, inngestId: redriveInngestId(eventId, event.redrives) }]);
  return { eventId, redrives: event.redrives };
}

async function whyNotRedrivable(tx: Prisma.TransactionClient, eventId: string, force: boolean): Promise<AppError> {
  const found = await tx.event.findUnique({ where: { eventId }, select: { status: true, rawBody: true } });
  if (!found) return new AppError("NOT_FOUND", "No event with this id.");
  // Before the status: a purged PROCESSED event must not be told to "send force", which cannot help.
  if (found.rawBody === null) return new AppError("PAYLOAD_PURGED", "The raw payload of this event has been purged by retention: there is nothing to re-drive.");
  const hint = found.status === "PROCESSED" && !force ? ' Send {"force": true} to process it again.' : " It is still on its way through the queue.";
  return new AppError("NOT_REDRIVABLE", `The event is ${found.status}; only DEAD_LETTERED events can be re-driven.${hint}`);
}
