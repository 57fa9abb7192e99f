import type pg from "pg";
import { insertRunsSql } from "@/inngest/embedded/enqueue";
import type { Envelope } from "@/lib/smartcar/types";

export interface DeliveryToStore {
  eventId: string;
  eventType: string;
  vehicleId: string | null;
  userId: string | null;
  mode: string | null;
  rawBody: string;
  bodyBytes: number;
  deliveryId: string | null;
  deliveredAt: number | null;
  tokenSlot: "current" | "previous";
  userAgent: string | null;
  /** Original receipt time (a released rejection keeps it); defaults to now. */
  receivedAt?: Date;
}

export type StorableEnvelope = Extract<Envelope, { kind: "event" } | { kind: "legacy_v2" }>;

/** The row to store for a verified body; legacy v2 bodies carry none of the v4 fields. */
export function deliveryFromEnvelope(
  envelope: StorableEnvelope,
  rawBody: Uint8Array,
  delivery: { tokenSlot: "current" | "previous"; userAgent: string | null; receivedAt?: Date },
): DeliveryToStore {
  const fields =
    envelope.kind === "legacy_v2"
      ? { eventType: envelope.eventType, vehicleId: null, userId: null, mode: null, deliveryId: null, deliveredAt: null }
      : envelope;
  return {
    eventId: envelope.eventId,
    eventType: fields.eventType,
    vehicleId: fields.vehicleId,
    userId: fields.userId,
    mode: fields.mode,
    rawBody: new TextDecoder().decode(rawBody),
    bodyBytes: rawBody.byteLength,
    deliveryId: fields.deliveryId,
    deliveredAt: fields.deliveredAt,
    ...delivery,
  };
}

export interface StoredDelivery {
  duplicate: boolean;
  /** Whether the event still has to be handed to the queue. */
  needsDispatch: boolean;
}

// Event and delivery row in one statement, so one round trip and one implicit transaction: the
// eventId primary key is the durable idempotency guard (a repeat only bumps delivery_count), and
// a crash can never leave a delivery without its event or the other way round. With the embedded
// queue a new event's runs ($14) are queued by the same statement and the event is born
// dispatched: no second statement, no update of the event row (bench/README.md).
const STORE_SQL = `
WITH ins AS (
  INSERT INTO event (event_id, event_type, vehicle_id, user_id, mode, raw_body, body_bytes, first_delivered_at, received_at, dispatched_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($12, now()), CASE WHEN $14::jsonb IS NULL THEN NULL ELSE now() END)
  ON CONFLICT (event_id) DO UPDATE SET delivery_count = event.delivery_count + 1
  RETURNING (xmax = 0) AS inserted, dispatched_at, status
), d AS (
  INSERT INTO delivery (event_id, delivery_id, delivered_at, duplicate, token_slot, body_bytes, user_agent, received_at)
  SELECT $1, $9, $10, NOT ins.inserted, $11, $7, $13, coalesce($12, now()) FROM ins
), runs AS (${insertRunsSql("$14", "(SELECT inserted FROM ins)")})
SELECT inserted, dispatched_at IS NULL AND status = 'PENDING' AS needs_dispatch FROM ins`;

/**
 * Stores one delivery. `runs` (serialiseRows() output) are the embedded queue's runs of the event,
 * queued only when the event is new; null leaves the dispatch to the caller.
 */
export async function storeDelivery(db: pg.Pool | pg.PoolClient, d: DeliveryToStore, runs: string | null = null): Promise<StoredDelivery> {
  const deliveredAt = d.deliveredAt === null ? null : new Date(d.deliveredAt);
  const result = await db.query<{ inserted: boolean; needs_dispatch: boolean }>({
    name: "store-delivery",
    text: STORE_SQL,
    values: [
      d.eventId,
      d.eventType,
      d.vehicleId,
      d.userId,
      d.mode,
      d.rawBody,
      d.bodyBytes,
      deliveredAt,
      d.deliveryId,
      deliveredAt,
      d.tokenSlot,
      d.receivedAt ?? null,
      d.userAgent,
      runs,
    ],
  });
  const row = result.rows[0];
  if (!row) throw new Error(`storing event ${d.eventId} returned no row`);
  return { duplicate: !row.inserted, needsDispatch: row.needs_dispatch };
}
