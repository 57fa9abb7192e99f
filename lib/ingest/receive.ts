import { env, managementTokens } from "@/lib/config";
import { pool } from "@/lib/db/pool";
import { wakeEmbeddedExecutor } from "@/inngest/embedded/registry";
import { runsToStoreWith } from "@/lib/ingest/dispatch";
import { readBodyCapped } from "@/lib/ingest/read-body";
import { recordRejection, type RejectionReason } from "@/lib/ingest/rejections";
import { storeVerifiedDelivery } from "@/lib/ingest/storage-guard";
import { deliveryFromEnvelope } from "@/lib/ingest/store-event";
import { logger } from "@/lib/observability/logger";
import { metrics } from "@/lib/observability/metrics";
import { parseJson, readEnvelope } from "@/lib/smartcar/envelope";
import { hashChallenge, isValidChallenge, tokenFingerprint, verifySignature } from "@/lib/smartcar/signature";

export type ReceiveOutcome =
  | { kind: "rejected"; reason: RejectionReason; status: 400 | 401 | 413 | 503; message: string }
  | { kind: "challenge"; challenge: string }
  | { kind: "unavailable" }
  | { kind: "stored"; duplicate: boolean; eventId: string; eventType: string; vehicleId: string | null; needsDispatch: boolean }
  /** Kept in the local spool (fsync'ed) while the database is unavailable; stored by a replay later. */
  | { kind: "spooled"; duplicate: boolean; eventId: string; eventType: string };

/**
 * The receiver's whole decision for one request, in API.md §1 order; the first failing check
 * decides. Returns an outcome the route maps to HTTP — never throws for bad input.
 */
export async function receiveDelivery(request: Request): Promise<ReceiveOutcome> {
  const config = env();
  const tokens = managementTokens(config);
  // Only a rejection records them: a hash per token is not worth paying on every accepted delivery.
  const fingerprints = () => tokens.map((t) => `${t.slot}:${tokenFingerprint(t.token)}`);

  // 1. Without a token nothing can be verified; Smartcar retries a 503.
  if (tokens.length === 0) {
    return rejected("TOKEN_NOT_CONFIGURED", 503, "No Smartcar management token is configured on this receiver.");
  }

  // 2. Size cap while streaming.
  const body = await readBodyCapped(request, config.WEBHOOK_MAX_BODY_BYTES);
  if (!body.ok) {
    await saveRejection({ reason: "BODY_TOO_LARGE", httpStatus: 413, body: body.head, bodyBytes: body.size, keepBody: false, headers: request.headers, tokenFingerprints: fingerprints() });
    return rejected("BODY_TOO_LARGE", 413, `Body of ${body.size} bytes exceeds the ${config.WEBHOOK_MAX_BODY_BYTES}-byte limit.`);
  }
  const rawBody = body.bytes;
  const parsed = parseJson(rawBody);
  const envelope = parsed.ok ? readEnvelope(parsed.value, rawBody) : null;

  // 3. VERIFY is answered before the signature check (Smartcar may not sign it), but only for
  //    challenge-shaped input: HMAC of arbitrary text would make this a signing oracle.
  if (envelope?.kind === "verify") {
    if (!isValidChallenge(envelope.challenge)) {
      return rejected("INVALID_CHALLENGE", 400, "The VERIFY challenge must match ^[A-Za-z0-9-]{1,128}$.");
    }
    // A VERIFY proves the current token: a receiver left with only the previous one must not pass.
    const current = tokens.find((t) => t.slot === "current");
    if (!current) return rejected("TOKEN_NOT_CONFIGURED", 503, "SMARTCAR_MANAGEMENT_TOKEN is not set: only the current token answers VERIFY.");
    return { kind: "challenge", challenge: hashChallenge(current.token, envelope.challenge) };
  }

  // 4–5. Signature over the raw bytes, current token then previous.
  const verified = verifySignature({ rawBody, signature: request.headers.get("sc-signature"), tokens });
  if (!verified.ok) {
    await saveRejection({ reason: verified.reason, httpStatus: 401, body: rawBody, bodyBytes: rawBody.byteLength, keepBody: true, headers: request.headers, tokenFingerprints: fingerprints() });
    logger.warn({ reason: verified.reason, bodyBytes: rawBody.byteLength, tokensTried: fingerprints() }, "signature.failed");
    const message = verified.reason === "SIGNATURE_MISSING" ? "The SC-Signature header is missing." : "SC-Signature does not match any configured management token.";
    return rejected(verified.reason, 401, message);
  }
  metrics().signatureVerified.inc({ slot: verified.slot });
  logger.debug({ slot: verified.slot, bodyBytes: rawBody.byteLength }, "signature.verified");

  // 6–7. Signed but unusable: kept with its body so an operator can see what was sent.
  if (!parsed.ok || !envelope) {
    await saveRejection({ reason: "INVALID_JSON", httpStatus: 400, body: rawBody, bodyBytes: rawBody.byteLength, keepBody: true, headers: request.headers, tokenFingerprints: fingerprints() });
    return rejected("INVALID_JSON", 400, "The body is not valid JSON.");
  }
  if (envelope.kind === "invalid") {
    await saveRejection({ reason: "INVALID_SCHEMA", httpStatus: 400, body: rawBody, bodyBytes: rawBody.byteLength, keepBody: true, headers: request.headers, tokenFingerprints: fingerprints() });
    const message = envelope.reason === "NOT_AN_OBJECT" ? "The body must be a JSON object." : "The body has no eventId.";
    return rejected("INVALID_SCHEMA", 400, message);
  }

  // 8–9. Store event + delivery (+ the embedded queue's runs) in one statement; while the database
  //      is unavailable the local spool (where enabled) keeps the delivery on disk, else a fast
  //      503 (circuit breaker).
  const event = deliveryFromEnvelope(envelope, rawBody, { tokenSlot: verified.slot, userAgent: request.headers.get("user-agent") });
  const runs = await runsToStoreWith({ eventId: event.eventId, vehicleId: event.vehicleId, inngestId: event.eventId });
  const result = await storeVerifiedDelivery(event, runs);
  if (result.kind === "unavailable") return result;
  if (result.kind === "stored" && !result.duplicate && runs) wakeEmbeddedExecutor();
  logger.info(
    { eventId: event.eventId, eventType: event.eventType, vehicleId: event.vehicleId, deliveryId: event.deliveryId, duplicate: result.duplicate, slot: verified.slot, spooled: result.kind === "spooled" },
    "webhook.received",
  );
  if (result.kind === "spooled") return { kind: "spooled", duplicate: result.duplicate, eventId: event.eventId, eventType: event.eventType };
  return { kind: "stored", duplicate: result.duplicate, eventId: event.eventId, eventType: event.eventType, vehicleId: event.vehicleId, needsDispatch: result.needsDispatch };
}

function rejected(reason: RejectionReason, status: 400 | 401 | 413 | 503, message: string): ReceiveOutcome {
  return { kind: "rejected", reason, status, message };
}

// A rejection that cannot be recorded (database down) must not change the answer: the request
// is refused either way and the counter still sees it.
async function saveRejection(r: Parameters<typeof recordRejection>[1]): Promise<void> {
  try {
    const config = env();
    await recordRejection(pool(), r, { maxBytes: config.QUARANTINE_MAX_BYTES, hours: config.QUARANTINE_HOURS });
  } catch (error) {
    logger.error({ reason: r.reason, err: error }, "webhook.rejection_not_recorded");
  }
}
