import { z } from "zod";
import { actorFromPrincipal, recordAudit } from "@/lib/audit";
import type { Principal } from "@/lib/auth/require-role";
import { managementTokens } from "@/lib/config";
import { pool } from "@/lib/db/pool";
import { prisma } from "@/lib/db/prisma";
import { assertRole } from "@/lib/dal/authorize";
import { rejectionIdSchema } from "@/lib/dal/rejections";
import { AppError } from "@/lib/errors";
import { dispatchStoredEvents } from "@/lib/ingest/dispatch";
import { deliveryFromEnvelope, storeDelivery } from "@/lib/ingest/store-event";
import { parseJson, readEnvelope } from "@/lib/smartcar/envelope";
import { verifySignature } from "@/lib/smartcar/signature";

// Releasing a quarantined rejection (API.md §5 POST /rejections/{id}/release): after an operator
// fixes the configured token, a body refused for its signature is checked again — same raw
// bytes, same SC-Signature header, the CURRENT tokens — and, when it verifies now, stored as the
// event it always was, with its original receivedAt, then processed. Nothing unverified ever
// becomes an event (API.md §1).

export interface ReleasedRejection {
  rejectionId: string;
  eventId: string;
  /** "duplicate" when Smartcar's own retry already delivered the event under a fixed token. */
  status: "accepted" | "duplicate";
  receivedAt: string;
}

const RELEASABLE_REASONS = new Set(["SIGNATURE_MISSING", "SIGNATURE_MISMATCH"]);
const headersSchema = z.record(z.string(), z.string());

type Attempt =
  | { kind: "released"; eventId: string; vehicleId: string | null; duplicate: boolean; needsDispatch: boolean; receivedAt: Date }
  | { kind: "refused"; error: AppError };

/**
 * Throws NOT_FOUND, CONFLICT (already released, or not a signature rejection, or a verified body
 * that is no event), PAYLOAD_PURGED (410) or SIGNATURE_MISMATCH (409: still does not verify).
 * Every check that reaches the body is audited, refusals included.
 */
export async function releaseRejection(principal: Principal, rejectionId: string): Promise<ReleasedRejection> {
  assertRole(principal, "support");
  if (!rejectionIdSchema.safeParse(rejectionId).success) throw new AppError("NOT_FOUND", "No rejection with this id.");
  const actor = actorFromPrincipal(principal);
  const attempt = await prisma().$transaction(async (tx): Promise<Attempt> => {
    // Locked for the whole release, so two operators cannot release one body twice.
    await tx.$executeRaw`SELECT 1 FROM rejected_delivery WHERE id = ${BigInt(rejectionId)} FOR UPDATE`;
    const rejection = await tx.rejectedDelivery.findUnique({ where: { id: BigInt(rejectionId) } });
    if (!rejection) throw new AppError("NOT_FOUND", "No rejection with this id.");
    if (rejection.releasedAt) throw new AppError("CONFLICT", `Already released as event ${rejection.releasedEventId ?? "?"}.`);
    if (!RELEASABLE_REASONS.has(rejection.reason)) {
      throw new AppError("CONFLICT", `Only signature rejections can be released; this one was ${rejection.reason}.`);
    }
    const expired = rejection.bodyExpiresAt !== null && rejection.bodyExpiresAt.getTime() <= Date.now();
    if (!rejection.body || expired) throw new AppError("PAYLOAD_PURGED", "The quarantined body is no longer kept: nothing to re-check.");

    const headers = headersSchema.safeParse(rejection.headers);
    const header = (name: string) => (headers.success ? (headers.data[name] ?? null) : null);
    const rawBody = rejection.body;
    const audit = (result: string, details: Record<string, string> = {}) =>
      recordAudit({ actor, action: "rejection.release", targetType: "rejected_delivery", targetId: rejectionId, details: { result, ...details } }, tx);

    const verified = verifySignature({ rawBody, signature: header("sc-signature"), tokens: managementTokens() });
    if (!verified.ok) {
      await audit(verified.reason);
      const message = "The body still does not verify against the configured management tokens: check SMARTCAR_MANAGEMENT_TOKEN.";
      return { kind: "refused", error: new AppError("SIGNATURE_MISMATCH", message, { status: 409 }) };
    }
    const parsed = parseJson(rawBody);
    const envelope = parsed.ok ? readEnvelope(parsed.value, rawBody) : null;
    if (envelope?.kind !== "event" && envelope?.kind !== "legacy_v2") {
      await audit("NOT_AN_EVENT");
      return { kind: "refused", error: new AppError("CONFLICT", "The body verifies now but is not a Smartcar event (no JSON object with an eventId).") };
    }

    const event = deliveryFromEnvelope(envelope, rawBody, { tokenSlot: verified.slot, userAgent: header("user-agent"), receivedAt: rejection.receivedAt });
    // Idempotent on eventId, so a transaction that fails after this line leaves at most an event
    // that a second release finds as a duplicate.
    const stored = await storeDelivery(pool(), event);
    await tx.rejectedDelivery.update({ where: { id: rejection.id }, data: { releasedAt: new Date(), releasedEventId: event.eventId } });
    await audit(stored.duplicate ? "duplicate" : "accepted", { eventId: event.eventId });
    return { kind: "released", eventId: event.eventId, vehicleId: event.vehicleId, ...stored, receivedAt: rejection.receivedAt };
  });

  if (attempt.kind === "refused") throw attempt.error;
  if (attempt.needsDispatch) {
    await dispatchStoredEvents([{ eventId: attempt.eventId, vehicleId: attempt.vehicleId, inngestId: attempt.eventId }]);
  }
  return { rejectionId, eventId: attempt.eventId, status: attempt.duplicate ? "duplicate" : "accepted", receivedAt: attempt.receivedAt.toISOString() };
}
