// Paths of the detail pages. Ids are opaque ("v2:<sha256>" has a colon): always encoded.

export function eventHref(eventId: string): string {
  return `/events/${encodeURIComponent(eventId)}`;
}

export function vehicleHref(vehicleId: string): string {
  return `/vehicles/${encodeURIComponent(vehicleId)}`;
}
