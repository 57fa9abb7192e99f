import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";

// The route handlers called in-process with real Requests against a real database: auth, path
// parsing, status codes and bodies. (HTTP through `next start` is covered by the shared harness.)
let db: TestDatabase;
let viewerToken: string;
let eventRoute: typeof import("@/app/api/v1/events/[eventId]/route");
let deliveriesRoute: typeof import("@/app/api/v1/events/[eventId]/deliveries/route");
let attemptsRoute: typeof import("@/app/api/v1/events/[eventId]/attempts/route");
let signalsRoute: typeof import("@/app/api/v1/events/[eventId]/signals/route");
let vehicleRoute: typeof import("@/app/api/v1/vehicles/[vehicleId]/route");
let healthRoute: typeof import("@/app/api/health/route");

beforeAll(async () => {
  db = await createTestDatabase("api_routes");
  process.env.DATABASE_URL = db.url;
  process.env.QUEUE_MODE = "embedded";
  delete process.env.DATABASE_MODE;
  const { createApiToken } = await import("@/lib/auth/api-tokens");
  const { prisma } = await import("@/lib/db/prisma");
  eventRoute = await import("@/app/api/v1/events/[eventId]/route");
  deliveriesRoute = await import("@/app/api/v1/events/[eventId]/deliveries/route");
  attemptsRoute = await import("@/app/api/v1/events/[eventId]/attempts/route");
  signalsRoute = await import("@/app/api/v1/events/[eventId]/signals/route");
  vehicleRoute = await import("@/app/api/v1/vehicles/[vehicleId]/route");
  healthRoute = await import("@/app/api/health/route");

  ({ token: viewerToken } = await createApiToken({ name: "viewer", role: "viewer" }));
  const receivedAt = new Date(Date.now() - 90_000);
  await prisma().event.create({
    data: {
      eventId: "ev-1",
      eventType: "VEHICLE_STATE",
      vehicleId: "veh-1",
      rawBody: JSON.stringify({
        eventId: "ev-1",
        eventType: "VEHICLE_STATE",
        data: { vehicle: { id: "veh-1" }, signals: [{ code: "location-preciselocation", body: { latitude: 1.23456, longitude: 2.34567 } }] },
      }),
      bodyBytes: 100,
      receivedAt,
      deliveries: { create: [{ tokenSlot: "current", bodyBytes: 100, receivedAt }] },
      attemptsLog: { create: [{ attempt: 1, result: "ok" }] },
    },
  });
  await prisma().event.create({ data: { eventId: "ev-purged", eventType: "VEHICLE_STATE", rawBody: null, bodyBytes: 100, status: "PROCESSED" } });
  await prisma().vehicle.create({ data: { vehicleId: "veh-1", make: "TESLA", lastSeenAt: new Date() } });
  await prisma().executorRun.create({ data: { eventKey: "ev-1", fnId: "process-smartcar-event", event: {}, maxAttempts: 4 } });
});

afterAll(async () => {
  const { closePool } = await import("@/lib/db/pool");
  await closePool();
  await db?.drop();
});

const get = (path: string, token: string | null = viewerToken) =>
  new Request(`http://localhost${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const eventParams = (eventId: string) => ({ params: Promise.resolve({ eventId }) });

describe("/api/v1/events/{eventId} and its lists", () => {
  it("answers 401 UNAUTHENTICATED without a token", async () => {
    const response = await eventRoute.GET(get("/api/v1/events/ev-1", null), eventParams("ev-1"));
    expect(response.status).toBe(401);
    expect(await response.json()).toStrictEqual({ error: { code: "UNAUTHENTICATED", message: expect.any(String) } });
  });

  it("returns the event resource to a viewer", async () => {
    const response = await eventRoute.GET(get("/api/v1/events/ev-1"), eventParams("ev-1"));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ eventId: "ev-1", status: "PENDING", deliveries: 1, error: null });
  });

  it("answers 404 NOT_FOUND for an unknown id, on every resource", async () => {
    for (const route of [eventRoute, deliveriesRoute, attemptsRoute, signalsRoute]) {
      const response = await route.GET(get("/api/v1/events/nope"), eventParams("nope"));
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    }
  });

  it("lists deliveries, attempts and (coarsened) signals as { items }", async () => {
    const deliveries = await (await deliveriesRoute.GET(get("/api/v1/events/ev-1/deliveries"), eventParams("ev-1"))).json();
    expect(deliveries).toMatchObject({ items: [{ tokenSlot: "current", bodyBytes: 100, duplicate: false }] });
    const attempts = await (await attemptsRoute.GET(get("/api/v1/events/ev-1/attempts"), eventParams("ev-1"))).json();
    expect(attempts).toMatchObject({ items: [{ attempt: 1, result: "ok" }] });
    const signals = await (await signalsRoute.GET(get("/api/v1/events/ev-1/signals"), eventParams("ev-1"))).json();
    expect(signals).toMatchObject({ items: [{ code: "location-preciselocation", status: "OK", outcome: null, body: { latitude: 1.23, longitude: 2.35 } }] });
  });

  it("answers 410 PAYLOAD_PURGED for the signals of a purged event", async () => {
    const response = await signalsRoute.GET(get("/api/v1/events/ev-purged/signals"), eventParams("ev-purged"));
    expect(response.status).toBe(410);
    expect(await response.json()).toMatchObject({ error: { code: "PAYLOAD_PURGED" } });
  });
});

describe("/api/v1/vehicles/{vehicleId}", () => {
  it("returns the vehicle resource, or 404", async () => {
    const ok = await vehicleRoute.GET(get("/api/v1/vehicles/veh-1"), { params: Promise.resolve({ vehicleId: "veh-1" }) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ vehicleId: "veh-1", make: "TESLA", health: "OK", signals: [], conditions: [] });

    const missing = await vehicleRoute.GET(get("/api/v1/vehicles/nope"), { params: Promise.resolve({ vehicleId: "nope" }) });
    expect(missing.status).toBe(404);
  });
});

describe("/api/health", () => {
  it("reports modes and a reachable database, without auth", async () => {
    const response = await healthRoute.GET(get("/api/health", null));
    expect(response.status).toBe(200);
    expect(await response.json()).toStrictEqual({ status: "ok", database: { mode: "external", ok: true }, queue: { mode: "embedded" } });
  });

  it("adds the backlog and the embedded executor's counts with ?deep=1", async () => {
    const response = await healthRoute.GET(get("/api/health?deep=1", null));
    const body = await response.json();
    expect(body).toMatchObject({ status: "ok", backlog: { pending: 1 }, executor: { queued: 1, running: 0 } });
    expect(body.backlog.oldestPendingAgeSeconds).toBeGreaterThanOrEqual(89);
    expect(body.backlog.oldestPendingAgeSeconds).toBeLessThan(600);
  });

  it("answers 400 INVALID_QUERY for a malformed deep flag", async () => {
    const response = await healthRoute.GET(get("/api/health?deep=maybe", null));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "INVALID_QUERY" } });
  });
});
