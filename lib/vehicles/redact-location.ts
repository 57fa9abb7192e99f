import { hasRole, type Role } from "@/lib/auth/roles";

// Viewers see a vehicle's precise location only to ~1 km (API.md §4): on the vehicle page, in
// raw payloads and in history. Support and admin see it as received.

export const PRECISE_LOCATION_CODE = "location-preciselocation";

// Two decimals of a degree ≈ 1.1 km of latitude (less in longitude away from the equator).
const DECIMALS = 2;

export function seesPreciseLocation(role: Role): boolean {
  return hasRole(role, "support");
}

/** A signal body as `role` may see it: only the precise-location signal ever changes. */
export function redactSignalBody(code: string, body: unknown, role: Role): unknown {
  if (code !== PRECISE_LOCATION_CODE || seesPreciseLocation(role)) return body;
  return coarsenLocation(body);
}

/**
 * The body with `latitude` and `longitude` rounded to two decimals. Fails closed: a coordinate
 * that is not a finite number (a string, say) cannot be rounded safely and becomes null.
 */
export function coarsenLocation(body: unknown): unknown {
  if (!isRecord(body)) return body;
  const coarse: Record<string, unknown> = { ...body };
  for (const key of ["latitude", "longitude"] as const) {
    if (key in coarse) coarse[key] = roundCoordinate(coarse[key]);
  }
  return coarse;
}

/**
 * Every object anywhere in `value` that carries `latitude` or `longitude`, coarsened as above:
 * how a whole raw payload is rounded. Fails closed: not only the location signal's body (whose
 * path differs between payload shapes) but any object with coordinates.
 */
export function coarsenLocationsDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(coarsenLocationsDeep);
  if (!isRecord(value)) return value;
  const copy = Object.fromEntries(Object.entries(value).map(([key, child]) => [key, coarsenLocationsDeep(child)]));
  return "latitude" in copy || "longitude" in copy ? coarsenLocation(copy) : copy;
}

function roundCoordinate(value: unknown): number | null {
  if (typeof value !== "number" || !Number.isFinite(value)) return null;
  const factor = 10 ** DECIMALS;
  // `+ 0` turns -0 (from rounding a tiny negative) into 0 so JSON stays tidy.
  return Math.round(value * factor) / factor + 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
