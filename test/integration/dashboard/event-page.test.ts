import { randomBytes } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditActor } from "@/lib/audit";
import { startApp, type RunningApp } from "../../helpers/app";
import { finalEventRow, testPool } from "../../helpers/db-client";
import { mintSessionCookie } from "../../helpers/session";
import { fixtureBytes, postWebhook } from "../../helpers/smartcar";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";
import { waitFor } from "../../helpers/wait-for";

// The event page as each role's browser receives it (HTML and its RSC payload) through `next
// start`: the raw payload comes from the data layer already shaped for the role, and every signal
// shows what processing made of it.

const AUTH_SECRET = randomBytes(32).toString("base64url");
const EVENT = "5d0a2291-b441-4092-ac66-c12ca2840a28";
// vehicle-state.docs-shape.json's precise location, and what a viewer may see of it.
const PRECISE_LATITUDE = "48.13743";
const ROUNDED_LATITUDE = "48.14";
const actor: AuditActor = { type: "system", name: "event-page-test" };

let database: TestDatabase;
let db: pg.Pool;
let app: RunningApp;
const cookies: Record<"viewer" | "support", string> = { viewer: "", support: "" };

beforeAll(async () => {
  database = await createTestDatabase("dash_event_page");
  db = testPool(database.url);
  app = await startApp({ databaseUrl: database.url, env: { AUTH_SECRET } });
  process.env.DATABASE_URL = database.url;
  delete process.env.DATABASE_MODE;
  const users = await import("@/lib/auth/users");
  const { passwordFingerprint } = await import("@/lib/auth/passwords");
  for (const role of ["viewer", "support"] as const) {
    await users.createUser({ email: `${role}@event-page.test`, role, password: "event-page-password-1" }, actor);
    const user = await users.findUserByEmail(`${role}@event-page.test`);
    if (!user) throw new Error(`no ${role}`);
    cookies[role] = await mintSessionCookie({ userId: user.id, passwordFingerprint: passwordFingerprint(user.passwordHash), secret: AUTH_SECRET });
  }
  expect((await postWebhook(app.url, fixtureBytes("vehicle-state.docs-shape.json"))).status).toBe(200);
  const row = await waitFor(() => finalEventRow(db, EVENT), { what: "the fixture event to be processed" });
  expect(row).toMatchObject({ status: "PROCESSED", outcome: "APPLIED" });
});

afterAll(async () => {
  const { closePool } = await import("@/lib/db/pool");
  await closePool();
  await app?.stop();
  await db?.end();
  await database?.drop();
});

async function page(role: "viewer" | "support"): Promise<string> {
  const response = await fetch(`${app.url}/events/${EVENT}`, { headers: { cookie: cookies[role] } });
  expect(response.status).toBe(200);
  return response.text();
}

async function signalOutcomes(role: "viewer" | "support"): Promise<Record<string, string | null>> {
  const response = await fetch(`${app.url}/api/v1/events/${EVENT}/signals`, { headers: { cookie: cookies[role] } });
  expect(response.status).toBe(200);
  const { items } = (await response.json()) as { items: { code: string; outcome: string | null }[] };
  return Object.fromEntries(items.map((s) => [s.code, s.outcome]));
}

describe("the raw payload", () => {
  it("reaches a viewer's browser with the location rounded to ~1 km, never precise", async () => {
    const html = await page("viewer");
    expect(html).not.toContain(PRECISE_LATITUDE);
    expect(html).toContain(ROUNDED_LATITUDE);
    expect(html).toContain("Coordinates are rounded to about 1 km for your role.");
  });

  it("reaches support as received", async () => {
    const html = await page("support");
    expect(html).toContain(PRECISE_LATITUDE);
    expect(html).not.toContain("Coordinates are rounded to about 1 km for your role.");
  });
});

describe("signal outcomes", () => {
  it("are APPLIED for a processed event's new readings, on the page and its /signals twin", async () => {
    const outcomes = await signalOutcomes("viewer");
    expect(Object.keys(outcomes).length).toBeGreaterThan(0);
    expect(new Set(Object.values(outcomes))).toStrictEqual(new Set(["APPLIED"]));
    const html = await page("viewer");
    expect(html).toContain("Newer than the stored value");
    expect(html).not.toContain("Not newer than the stored value");
  });

  it("show the readings processing found stale", async () => {
    // As processing records them: the codes of readings not newer than the stored value.
    await db.query("UPDATE event SET stale_signals = ARRAY['tractionbattery-stateofcharge'], signals_stale = 1, signals_applied = signals_applied - 1 WHERE event_id = $1", [EVENT]);
    expect(await signalOutcomes("support")).toMatchObject({ "tractionbattery-stateofcharge": "STALE", "tractionbattery-range": "APPLIED" });
    expect(await page("support")).toContain("Not newer than the stored value");
  });
});
