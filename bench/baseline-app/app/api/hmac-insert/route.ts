// Baseline (c), the irreducible work of a delivery: read the body, check SC-Signature on the raw
// bytes, pull out the ids and store event + delivery with the product's own statement. Everything
// the product's receiver does beyond this (logging, metrics, rollups, breaker, dispatch) is what
// the receiver / (c) ratio prices.
import pg from "pg";
import { storeDelivery } from "@/lib/ingest/store-event";
import { parseJson, readEnvelope } from "@/lib/smartcar/envelope";
import { verifySignature } from "@/lib/smartcar/signature";

export const dynamic = "force-dynamic";

const decoder = new TextDecoder();

// The product's pool settings (lib/db/pool.ts), so only the code on top of it differs.
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10, connectionTimeoutMillis: 2_000, application_name: "bench-baseline" });
const tokens = [{ slot: "current" as const, token: process.env.SMARTCAR_MANAGEMENT_TOKEN ?? "" }];

export async function POST(request: Request): Promise<Response> {
  const rawBody = new Uint8Array(await request.arrayBuffer());
  const verified = verifySignature({ rawBody, signature: request.headers.get("sc-signature"), tokens });
  if (!verified.ok) return Response.json({ error: { code: verified.reason } }, { status: 401 });
  const parsed = parseJson(rawBody);
  const envelope = parsed.ok ? readEnvelope(parsed.value, rawBody) : null;
  if (envelope?.kind !== "event") return Response.json({ error: { code: "INVALID_SCHEMA" } }, { status: 400 });
  const stored = await storeDelivery(pool, {
    eventId: envelope.eventId,
    eventType: envelope.eventType,
    vehicleId: envelope.vehicleId,
    userId: envelope.userId,
    mode: envelope.mode,
    rawBody: decoder.decode(rawBody),
    bodyBytes: rawBody.byteLength,
    deliveryId: envelope.deliveryId,
    deliveredAt: envelope.deliveredAt,
    tokenSlot: verified.slot,
    userAgent: request.headers.get("user-agent"),
  });
  return Response.json({ status: stored.duplicate ? "duplicate" : "accepted", eventId: envelope.eventId });
}
