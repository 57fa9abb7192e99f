// The dashboard reads the benchmark times. One line per request shape: adding an endpoint (or
// a filter worth watching) is adding a line here.

export interface EndpointContext {
  /** Vehicles of the seeded fleet, cycled through so no request repeats the previous one's rows. */
  vehicleIds: readonly string[];
  eventIds: readonly string[];
  /** ISO instants: now, and 1 and 30 days before it. */
  now: string;
  dayAgo: string;
  monthAgo: string;
}

export interface Endpoint {
  /** Which of the five reads this request exercises. */
  group: "event log" | "vehicle list" | "vehicle detail" | "vehicle history" | "overview" | "error breakdown";
  name: string;
  path: (ctx: EndpointContext, i: number) => string;
}

const pick = (list: readonly string[], i: number) => list[i % list.length] ?? "";

export const ENDPOINTS: readonly Endpoint[] = [
  { group: "event log", name: "newest 50", path: () => "/api/v1/events?limit=50" },
  { group: "event log", name: "dead-lettered", path: () => "/api/v1/events?status=DEAD_LETTERED&limit=50" },
  { group: "event log", name: "one vehicle", path: (c, i) => `/api/v1/events?vehicleId=${pick(c.vehicleIds, i)}&limit=50` },
  { group: "event log", name: "VEHICLE_ERROR type", path: () => "/api/v1/events?type=VEHICLE_ERROR&limit=50" },
  { group: "event log", name: "q = eventId", path: (c, i) => `/api/v1/events?q=${pick(c.eventIds, i)}` },
  { group: "event log", name: "a day, a month ago", path: (c) => `/api/v1/events?from=${c.monthAgo}&to=${shiftDays(c.monthAgo, 1)}&limit=50` },
  { group: "vehicle list", name: "first 50", path: () => "/api/v1/vehicles?limit=50" },
  { group: "vehicle list", name: "health = SILENT", path: () => "/api/v1/vehicles?health=SILENT&limit=50" },
  { group: "vehicle detail", name: "one vehicle", path: (c, i) => `/api/v1/vehicles/${pick(c.vehicleIds, i)}` },
  { group: "vehicle history", name: "SoC, 30 days", path: (c, i) => `/api/v1/vehicles/${pick(c.vehicleIds, i)}/history?signal=tractionbattery-stateofcharge&from=${c.monthAgo}&to=${c.now}` },
  { group: "overview", name: "last 24 h", path: () => "/api/v1/overview" },
  { group: "overview", name: "last 30 days", path: (c) => `/api/v1/overview?from=${c.monthAgo}&to=${c.now}` },
  { group: "error breakdown", name: "by type, 24 h", path: () => "/api/v1/errors?groupBy=type" },
  { group: "error breakdown", name: "by make, 30 days", path: (c) => `/api/v1/errors?groupBy=make&from=${c.monthAgo}&to=${c.now}` },
];

function shiftDays(iso: string, days: number): string {
  return new Date(new Date(iso).getTime() + days * 86_400_000).toISOString();
}
