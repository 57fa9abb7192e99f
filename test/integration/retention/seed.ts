import type pg from "pg";

// Rows with chosen ages, written straight into a test database: retention is about old data,
// and the app only ever writes new rows.

const DAY_MS = 86_400_000;

export const daysAgo = (days: number, now = Date.now()) => new Date(now - days * DAY_MS);

export const PRECISE = { latitude: 48.13743, longitude: 11.57549, heading: 270, locationType: "LAST_PARKED" };

/** A VEHICLE_STATE body in the docs shape (signal code) or the real-traffic one (group/name). */
export function locationBody(eventId: string, vehicleId: string, shape: "docs" | "real", location: unknown = PRECISE): string {
  const signal =
    shape === "docs"
      ? { code: "location-preciselocation", name: "PreciseLocation", group: "Location", body: location, meta: { oemUpdatedAt: 1 } }
      : { name: "PreciseLocation", group: "Location", body: location, meta: { retrievedAt: 1 }, status: { value: "SUCCESS" } };
  const soc = { code: "tractionbattery-stateofcharge", body: { value: 81.25, unit: "percent" } };
  return shape === "docs"
    ? JSON.stringify({ eventId, eventType: "VEHICLE_STATE", vehicleId, data: { vehicle: { id: vehicleId }, signals: [soc, signal] }, meta: { deliveredAt: 1 } })
    : JSON.stringify({ eventId, eventType: "VEHICLE_STATE", data: { vehicle: { id: vehicleId }, signals: [signal, soc] }, triggers: [{ type: "SIGNAL_CHANGED" }] });
}

export function plainBody(eventId: string, vehicleId: string): string {
  return JSON.stringify({ eventId, eventType: "VEHICLE_STATE", vehicleId, data: { signals: [{ code: "closure-islocked", body: { value: true } }] } });
}

export interface EventSeed {
  eventId: string;
  status: "PENDING" | "PROCESSING" | "PROCESSED" | "DEAD_LETTERED";
  receivedAt: Date;
  rawBody?: string;
  vehicleId?: string;
}

export async function insertEvents(db: pg.Pool, events: EventSeed[]): Promise<void> {
  await db.query(
    `INSERT INTO event (event_id, event_type, vehicle_id, raw_body, body_bytes, status, received_at)
     SELECT e.id, 'VEHICLE_STATE', e.vehicle_id, e.body, octet_length(e.body), e.status::"EventStatus", e.received_at
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS e(id, vehicle_id, body, status, received_at)`,
    [
      events.map((e) => e.eventId),
      events.map((e) => e.vehicleId ?? "veh-seed"),
      events.map((e) => e.rawBody ?? plainBody(e.eventId, e.vehicleId ?? "veh-seed")),
      events.map((e) => e.status),
      events.map((e) => e.receivedAt),
    ],
  );
  await db.query(
    `INSERT INTO delivery (event_id, delivery_id, token_slot, body_bytes, received_at)
     SELECT event_id, 'dlv-' || event_id, 'current', body_bytes, received_at FROM event WHERE event_id = ANY($1::text[])`,
    [events.map((e) => e.eventId)],
  );
}

export async function insertVehicle(db: pg.Pool, vehicleId: string): Promise<void> {
  await db.query("INSERT INTO vehicle (vehicle_id, make, model, recent_gaps) VALUES ($1, 'TESLA', 'Model 3', '{}') ON CONFLICT DO NOTHING", [vehicleId]);
}

export async function insertReadings(db: pg.Pool, vehicleId: string, code: string, readings: { at: Date; body: unknown; value?: number }[]): Promise<void> {
  await insertVehicle(db, vehicleId);
  await db.query(
    `INSERT INTO signal_reading (vehicle_id, code, at, value, body, event_id)
     SELECT $1, $2, r.at, r.value, r.body::jsonb, 'ev-history' FROM unnest($3::timestamptz[], $4::float8[], $5::text[]) AS r(at, value, body)`,
    [vehicleId, code, readings.map((r) => r.at), readings.map((r) => r.value ?? null), readings.map((r) => (r.value === undefined ? JSON.stringify(r.body) : null))],
  );
}

export async function insertLatest(db: pg.Pool, vehicleId: string, code: string, body: unknown, oemUpdatedAt: Date, keyAt = oemUpdatedAt): Promise<void> {
  await insertVehicle(db, vehicleId);
  await db.query(
    `INSERT INTO vehicle_signal (vehicle_id, code, status, body, oem_updated_at, key_at, key_tie, since, event_id)
     VALUES ($1, $2, 'OK', $3::jsonb, $4, $5, $5, $5, 'ev-latest')`,
    [vehicleId, code, JSON.stringify(body), oemUpdatedAt, keyAt],
  );
}
