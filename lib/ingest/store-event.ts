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

// Event and delivery rows in one statement, so one round trip and one implicit transaction: the
// eventId primary key is the durable idempotency guard (a repeat only bumps delivery_count), and
// a crash can never leave a delivery without its event or the other way round. With the embedded
// queue a new event's runs are queued by the same statement and the event is born dispatched: no
// second statement, no update of the event row (bench/README.md). One statement stores any number
// of deliveries of distinct events (the receiver's group commit); its text depends only on that
// number, so each size is prepared once per connection.
const COLUMNS = [
  "event_id text",
  "event_type text",
  "vehicle_id text",
  "user_id text",
  "mode text",
  "raw_body text",
  "body_bytes int",
  "delivered_at timestamptz",
  "delivery_id text",
  "token_slot text",
  "received_at timestamptz",
  "user_agent text",
  "runs jsonb",
] as const;

function storeSql(rows: number): string {
  const values = Array.from({ length: rows }, (_, row) => {
    const params = COLUMNS.map((column, i) => `$${row * COLUMNS.length + i + 1}::${column.split(" ")[1]}`);
    return `(${row}, ${params.join(", ")})`;
  });
  const names = COLUMNS.map((column) => column.split(" ")[0]).join(", ");
  const newRuns = "(SELECT jsonb_agg(r) FROM input i JOIN ins USING (event_id) CROSS JOIN jsonb_array_elements(i.runs) AS r WHERE ins.inserted)";
  return `
WITH input (ord, ${names}) AS (VALUES ${values.join(", ")}
), ins AS (
  INSERT INTO event (event_id, event_type, vehicle_id, user_id, mode, raw_body, body_bytes, first_delivered_at, received_at, dispatched_at)
  SELECT event_id, event_type, vehicle_id, user_id, mode, raw_body, body_bytes, delivered_at, coalesce(received_at, now()), CASE WHEN runs IS NULL THEN NULL ELSE now() END
  FROM input
  ON CONFLICT (event_id) DO UPDATE SET delivery_count = event.delivery_count + 1
  RETURNING event_id, (xmax = 0) AS inserted, dispatched_at, status
), d AS (
  INSERT INTO delivery (event_id, delivery_id, delivered_at, duplicate, token_slot, body_bytes, user_agent, received_at)
  SELECT i.event_id, i.delivery_id, i.delivered_at, NOT ins.inserted, i.token_slot, i.body_bytes, i.user_agent, coalesce(i.received_at, now())
  FROM input i JOIN ins USING (event_id)
), runs AS (${insertRunsSql(newRuns)})
SELECT i.ord, ins.inserted, ins.dispatched_at IS NULL AND ins.status = 'PENDING' AS needs_dispatch
FROM input i JOIN ins USING (event_id)`;
}

const statements = new Map<number, string>();

function statementFor(rows: number): string {
  let text = statements.get(rows);
  if (text === undefined) {
    text = storeSql(rows);
    statements.set(rows, text);
  }
  return text;
}

export interface DeliveryWithRuns {
  delivery: DeliveryToStore;
  /** serialiseRows() output: the embedded queue's runs of the event, queued only when it is new; null leaves the dispatch to the caller. */
  runs: string | null;
}

/**
 * Stores deliveries of distinct events in one statement (all or none); results in their order.
 * Two deliveries of one event cannot share it: the second would update a row the first inserts.
 */
export async function storeDeliveries(db: pg.Pool | pg.PoolClient, items: readonly DeliveryWithRuns[]): Promise<StoredDelivery[]> {
  if (new Set(items.map((i) => i.delivery.eventId)).size !== items.length) throw new Error("storeDeliveries: two deliveries of one event in one statement");
  // Rows go in eventId order: two statements writing some of the same events then lock them in
  // the same order and never deadlock.
  const order = items.map((_, i) => i).sort((a, b) => compare(items[a]?.delivery.eventId ?? "", items[b]?.delivery.eventId ?? ""));
  const values = order.flatMap((i) => {
    const { delivery: d, runs } = items[i] as DeliveryWithRuns;
    const deliveredAt = d.deliveredAt === null ? null : new Date(d.deliveredAt);
    return [d.eventId, d.eventType, d.vehicleId, d.userId, d.mode, d.rawBody, d.bodyBytes, deliveredAt, d.deliveryId, d.tokenSlot, d.receivedAt ?? null, d.userAgent, runs];
  });
  const result = await db.query<{ ord: number; inserted: boolean; needs_dispatch: boolean }>({ name: `store-deliveries-${items.length}`, text: statementFor(items.length), values });
  const stored: StoredDelivery[] = [];
  for (const row of result.rows) {
    const index = order[row.ord];
    if (index !== undefined) stored[index] = { duplicate: !row.inserted, needsDispatch: row.needs_dispatch };
  }
  return items.map((item, i) => {
    const one = stored[i];
    if (!one) throw new Error(`storing event ${item.delivery.eventId} returned no row`);
    return one;
  });
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Stores one delivery; see storeDeliveries. */
export async function storeDelivery(db: pg.Pool | pg.PoolClient, delivery: DeliveryToStore, runs: string | null = null): Promise<StoredDelivery> {
  const [stored] = await storeDeliveries(db, [{ delivery, runs }]);
  if (!stored) throw new Error(`storing event ${delivery.eventId} returned no row`);
  return stored;
}
