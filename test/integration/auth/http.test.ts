import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditActor } from "@/lib/audit";
import { startApp, type RunningApp } from "../../helpers/app";
import { signInOverHttp } from "../../helpers/session";
import { fixtureBytes, postWebhook } from "../../helpers/smartcar";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";

// Sign-in, pages, roles and security headers through `next start`, as a browser meets them.
const ADMIN = { email: "admin@http.test", password: "http-admin-password" };
const actor: AuditActor = { type: "system", name: "test" };

let db: TestDatabase;
let app: RunningApp;
let users: typeof import("@/lib/auth/users");
let ipCounter = 0;
/** X-Forwarded-For per sign-in series: the app's per-IP limit must only bite where meant to. */
const freshIp = () => `203.0.113.${++ipCounter}`;

beforeAll(async () => {
  db = await createTestDatabase("auth_http");
  app = await startApp({ databaseUrl: db.url, env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });
  process.env.DATABASE_URL = db.url;
  delete process.env.DATABASE_MODE;
  users = await import("@/lib/auth/users");
});

afterAll(async () => {
  const { closePool } = await import("@/lib/db/pool");
  await closePool();
  await app?.stop();
  await db?.drop();
});

async function userCookie(email: string, role: "viewer" | "support" | "admin"): Promise<string> {
  const password = `${role}-password-for-http`;
  await users.createUser({ email, role, password }, actor);
  const { cookie } = await signInOverHttp(app.url, { email, password }, freshIp());
  if (!cookie) throw new Error(`sign-in of ${email} failed`);
  return cookie;
}

const get = (path: string, cookie?: string) => fetch(`${app.url}${path}`, { redirect: "manual", headers: cookie ? { cookie } : {} });

describe("sign-in over HTTP", () => {
  it("refuses a wrong password without a session", async () => {
    const result = await signInOverHttp(app.url, { email: ADMIN.email, password: "not-the-password" }, freshIp());
    expect(result.cookie).toBeNull();
    expect(result.location).toMatch(/\/login\?error=CredentialsSignin&code=invalid$/);
  });

  it("locks an account after 5 failures: the right password then gets no session either", async () => {
    await users.createUser({ email: "target@http.test", role: "viewer", password: "target-password-1" }, actor);
    for (let i = 1; i <= 5; i++) {
      const result = await signInOverHttp(app.url, { email: "target@http.test", password: `guess-${i}` }, freshIp());
      expect(result.location).toContain(i < 5 ? "code=invalid" : "code=locked");
    }
    const correct = await signInOverHttp(app.url, { email: "target@http.test", password: "target-password-1" }, freshIp());
    expect(correct).toMatchObject({ cookie: null, location: expect.stringContaining("code=locked") });
  });
});

describe("session cookies", () => {
  it("are HttpOnly and SameSite=Lax, and Secure with the __Secure- prefix when served over https", async () => {
    const plain = await signInOverHttp(app.url, ADMIN, freshIp());
    expect(plain.setCookie).toMatch(/^authjs\.session-token=.*; HttpOnly; SameSite=Lax$/);
    expect(plain.setCookie).not.toMatch(/; Secure/);

    const secure = await signInOverHttp(app.url, ADMIN, freshIp(), { https: true });
    expect(secure.setCookie).toMatch(/^__Secure-authjs\.session-token=.*; Secure/);
    expect(secure.setCookie).toMatch(/; HttpOnly/);
    const audit = await get("/api/v1/audit", secure.cookie ?? "");
    expect(audit.status).toBe(200);
  });
});

describe("pages", () => {
  it("sends an anonymous visitor to /login with a callbackUrl", async () => {
    const response = await get("/admin/users");
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe("/login?callbackUrl=%2Fadmin%2Fusers");
  });

  it("answers 403 with the forbidden page to a viewer, and 200 to an admin", async () => {
    const viewer = await userCookie("viewer@http.test", "viewer");
    const forbidden = await get("/admin/users", viewer);
    expect(forbidden.status).toBe(403);
    // The streamed 403 carries the forbidden boundary's content in its RSC payload.
    expect(await forbidden.text()).toContain("You don't have access to this page");

    const { cookie: admin } = await signInOverHttp(app.url, ADMIN, freshIp());
    const allowed = await get("/admin/users", admin ?? "");
    expect(allowed.status).toBe(200);
    const html = await allowed.text();
    expect(html).toContain("viewer@http.test");
    // Only DTOs reach the browser: no bcrypt hash of anyone.
    expect(html).not.toMatch(/\$2[aby]\$12\$/);
  });
});

describe("/api/v1 with a session cookie", () => {
  it("applies a role change on the next request, and a removal at once", async () => {
    const cookie = await userCookie("changing@http.test", "viewer");
    const audit = () => get("/api/v1/audit", cookie);
    const before = await audit();
    expect(before.status).toBe(403);
    expect(await before.json()).toMatchObject({ error: { code: "FORBIDDEN" } });

    await users.setUserRole("changing@http.test", "admin", actor);
    const promoted = await audit();
    expect(promoted.status).toBe(200);
    const newest = (await promoted.json()).items[0];
    expect(newest).toMatchObject({ action: "user.role_changed", targetId: "changing@http.test", details: { from: "viewer", to: "admin" } });

    await users.removeUser("changing@http.test", actor);
    const removed = await audit();
    expect(removed.status).toBe(401);
    expect(await removed.json()).toMatchObject({ error: { code: "UNAUTHENTICATED" } });
  });

  it("pages the audit log newest first with limit and cursor", async () => {
    const { cookie } = await signInOverHttp(app.url, ADMIN, freshIp());
    const first = await (await get("/api/v1/audit?limit=2", cookie ?? "")).json();
    expect(first.items).toHaveLength(2);
    expect(Number(first.items[0].id)).toBeGreaterThan(Number(first.items[1].id));
    const second = await (await get(`/api/v1/audit?limit=2&cursor=${first.nextCursor}`, cookie ?? "")).json();
    expect(Number(second.items[0].id)).toBeLessThan(Number(first.items[1].id));
    expect((await get("/api/v1/audit?cursor=bogus", cookie ?? "")).status).toBe(400);
  });
});

describe("security headers", () => {
  it("gives every page a CSP with a fresh nonce that all of its scripts carry", async () => {
    const [first, second] = await Promise.all([get("/login"), get("/login")]);
    const csp = first.headers.get("content-security-policy") ?? "";
    const nonce = csp.match(/script-src 'self' 'nonce-([A-Za-z0-9+/=]+)' 'strict-dynamic'/)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).toContain("frame-ancestors 'none'");
    expect(second.headers.get("content-security-policy")).not.toContain(`'nonce-${nonce}'`);
    expect(first.headers.get("x-content-type-options")).toBe("nosniff");
    expect(first.headers.get("referrer-policy")).toBe("same-origin");

    const scripts = (await first.text()).match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  });

  it("leaves the webhook receiver and the Inngest endpoint alone", async () => {
    const webhook = await postWebhook(app.url, fixtureBytes("vehicle-state.docs-shape.json"));
    expect(webhook.status).toBe(200);
    expect(webhook.headers.get("content-security-policy")).toBeNull();
    expect(webhook.headers.get("x-frame-options")).toBeNull();
    const inngest = await fetch(`${app.url}/api/inngest`);
    expect(inngest.headers.get("content-security-policy")).toBeNull();
  });
});
