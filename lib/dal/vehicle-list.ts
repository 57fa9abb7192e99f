import { z } from "zod";
import { resourceIdSchema } from "@/lib/api/params";
import { pool } from "@/lib/db/pool";
import { assertRole, type Viewer } from "@/lib/dal/authorize";
import { decodeCursor, encodeCursor, type Page } from "@/lib/dal/cursor";
import { pageQuerySchema } from "@/lib/dal/event-list";
import { sqlParams } from "@/lib/dal/sql-params";
import { isoOrNull } from "@/lib/dal/timestamps";
import { hasOpenErrorsSql, vehicleHealthSql } from "@/lib/dal/vehicle-health-sql";
import { vehicleHealth, type VehicleHealth } from "@/lib/vehicles/health";

// The fleet list (API.md §5): one row per vehicle with its health and the two numbers a fleet
// table shows, in ONE query (no per-vehicle round trips). Ordered and keyset-paged by vehicleId:
// unlike lastSeenAt it never changes, so vehicles reporting while someone pages cannot make a
// row appear twice or not at all.

export const HEALTH_VALUES = ["NEEDS_REAUTH", "OPEN_ERRORS", "SILENT", "OK"] as const satisfies readonly VehicleHealth[];

export const vehicleListQuerySchema = pageQuerySchema.extend({ health: z.enum(HEALTH_VALUES).optional() });

export type VehicleListQuery = z.output<typeof vehicleListQuerySchema>;

export interface VehicleListItem {
  vehicleId: string;
  make: string | null;
  model: string | null;
  year: number | null;
  lastSeenAt: string | null;
  health: VehicleHealth;
  needsReauth: boolean;
  /** tractionbattery-stateofcharge body.value (the latest good reading). */
  batteryPercent: number | null;
  /** tractionbattery-range body.value, converted to km when reported in miles. */
  rangeKm: number | null;
}

const cursorSchema = z.object({ v: resourceIdSchema });

interface VehicleRow {
  vehicle_id: string;
  make: string | null;
  model: string | null;
  year: number | null;
  last_seen_at: Date | null;
  needs_reauth: boolean;
  recent_gaps: number[];
  has_open_errors: boolean;
  soc_body: unknown;
  range_body: unknown;
}

export async function listVehicles(viewer: Viewer, query: VehicleListQuery, { now = new Date() }: { now?: Date } = {}): Promise<Page<VehicleListItem>> {
  assertRole(viewer, "viewer");
  const p = sqlParams();
  const conditions: string[] = [];
  if (query.cursor !== undefined) conditions.push(`v.vehicle_id > ${p.add(decodeCursor(cursorSchema, query.cursor).v)}`);
  if (query.health !== undefined) conditions.push(`${vehicleHealthSql("v", p.add(now), "o.has_open_errors")} = ${p.add(query.health)}`);
  const { rows } = await pool().query<VehicleRow>({
    text: `
SELECT v.vehicle_id, v.make, v.model, v.year, v.last_seen_at, v.needs_reauth, v.recent_gaps, o.has_open_errors,
  soc.body AS soc_body, rng.body AS range_body
FROM vehicle v
CROSS JOIN LATERAL (SELECT ${hasOpenErrorsSql("v")} AS has_open_errors) o
LEFT JOIN vehicle_signal soc ON soc.vehicle_id = v.vehicle_id AND soc.code = 'tractionbattery-stateofcharge'
LEFT JOIN vehicle_signal rng ON rng.vehicle_id = v.vehicle_id AND rng.code = 'tractionbattery-range'
${conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : ""}
ORDER BY v.vehicle_id
LIMIT ${p.add(query.limit + 1)}`,
    values: p.values,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => toListItem(row, now)),
    nextCursor: rows.length > query.limit && last ? encodeCursor({ v: last.vehicle_id }) : null,
  };
}

function toListItem(row: VehicleRow, now: Date): VehicleListItem {
  return {
    vehicleId: row.vehicle_id,
    make: row.make,
    model: row.model,
    year: row.year,
    lastSeenAt: isoOrNull(row.last_seen_at),
    health: vehicleHealth({ needsReauth: row.needs_reauth, hasOpenErrors: row.has_open_errors, lastSeenAt: row.last_seen_at, recentGaps: row.recent_gaps, now }),
    needsReauth: row.needs_reauth,
    batteryPercent: numberField(row.soc_body, "value"),
    rangeKm: rangeInKm(row.range_body),
  };
}

const KM_PER_MILE = 1.609344;

// Real traffic says "km", the docs "kilometers"; a vehicle set to imperial units may report miles.
function rangeInKm(body: unknown): number | null {
  const value = numberField(body, "value");
  if (value === null) return null;
  const unit = typeof body === "object" && body !== null && "unit" in body ? body.unit : null;
  return unit === "miles" || unit === "mi" ? Math.round(value * KM_PER_MILE * 10) / 10 : value;
}

function numberField(body: unknown, key: string): number | null {
  if (typeof body !== "object" || body === null || !(key in body)) return null;
  const value: unknown = Reflect.get(body, key);
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}
