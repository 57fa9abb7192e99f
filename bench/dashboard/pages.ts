// The dashboard pages the benchmark times, as a signed-in browser loads them. One line per page
// (or filter worth watching), like endpoints.ts: adding a page is adding a line here.
import type { EndpointContext } from "./endpoints";

export interface Page {
  name: string;
  /** The route as the build lists it (app-path-routes-manifest.json): absent means not built yet. */
  route: string;
  path: (ctx: EndpointContext, i: number) => string;
}

const pick = (list: readonly string[], i: number) => list[i % list.length] ?? "";

export const PAGES: readonly Page[] = [
  { name: "overview", route: "/", path: () => "/" },
  { name: "events", route: "/events", path: () => "/events" },
  { name: "events, VEHICLE_ERROR type", route: "/events", path: () => "/events?type=VEHICLE_ERROR" },
  { name: "event detail", route: "/events/[eventId]", path: (c, i) => `/events/${pick(c.eventIds, i)}` },
  { name: "vehicles", route: "/vehicles", path: () => "/vehicles" },
  { name: "vehicle detail", route: "/vehicles/[vehicleId]", path: (c, i) => `/vehicles/${pick(c.vehicleIds, i)}` },
  { name: "errors", route: "/errors", path: () => "/errors" },
  { name: "dead letters", route: "/dead-letters", path: () => "/dead-letters" },
  { name: "rejections", route: "/rejections", path: () => "/rejections" },
  { name: "alerts", route: "/alerts", path: () => "/alerts" },
];
