import { coarsenLocation, coarsenLocationsDeep } from "@/lib/vehicles/redact-location";

// Location retention rounds stored coordinates exactly as viewers already see them (API.md §4):
// the same functions, so a viewer's page looks the same before and after retention.

/**
 * A stored raw body with every coordinate rounded to ~1 km, or null when there is nothing to
 * change (no coordinates, already coarse, or not JSON). Every location signal form the
 * normaliser reads — `code: "location-preciselocation"` or `group`/`name`, docs or real-traffic
 * envelope — carries its coordinates in an object with `latitude`/`longitude`, and so does any
 * other place a payload might hold them (legacy v2 bodies included).
 */
export function coarsenRawBody(rawBody: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody);
  } catch {
    // The receiver stores only bodies that parsed; text cannot be rounded safely anyway.
    return null;
  }
  const coarse = JSON.stringify(coarsenLocationsDeep(parsed));
  return coarse === JSON.stringify(parsed) ? null : coarse;
}

/** A location signal body (history or latest value) rounded, as JSON; null when it already is. */
export function coarsenSignalBody(body: unknown): string | null {
  const coarse = JSON.stringify(coarsenLocation(body));
  return coarse === JSON.stringify(body) ? null : coarse;
}
