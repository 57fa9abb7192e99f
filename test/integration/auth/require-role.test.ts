import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditActor } from "@/lib/audit";
import { mintSessionCookie } from "../../helpers/session";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";

// requireRole with each kind of credential, against a real database: the gate of every /api/v1
// route. Session cookies are minted the way next-auth mints them at sign-in.
const SECRET = "require-role-test-secret-0123456789abcdef";
const actor: AuditActor = { type: "system", name: "test" };

let db: TestDatabase;
let requireRole: typeof import("@/lib/auth/require-role").requireRole;
let users: typeof import("@/lib/auth/users");
let tokens: typeof import("@/lib/auth/api-tokens");
let passwordFingerprint: typeof import("@/lib/auth/passwords").passwordFingerprint;

beforeAll(async () => {
  db = await createTestDatabase("auth_require_role");
  process.env.DATABASE_URL = db.url;
  process.env.AUTH_SECRET = SECRET;
  delete process.env.DATABASE_MODE;
  ({ requireRole } = await import("@/lib/auth/require-role"));
  users = await import("@/lib/auth/users");
  tokens = await import("@/lib/auth/api-tokens");
  ({ passwordFingerprint } = await import("@/lib/auth/passwords"));
});

afterAll(async () => {
  const { closePool } = await import("@/lib/db/pool");
  await closePool();
  await db?.drop();
});

/** A user with a session cookie, as after signing in. */
async function signedIn(email: string, role: "viewer" | "support" | "admin", cookieName?: string): Promise<string> {
  await users.createUser({ email, role, password: "a-long-password-1" }, actor);
  return cookieOf(email, { cookieName });
}

async function cookieOf(email: string, options: { cookieName?: string; secret?: string } = {}): Promise<string> {
  const user = await users.findUserByEmail(email);
  if (!user) throw new Error(`no user ${email}`);
  return mintSessionCookie({ userId: user.id, passwordFingerprint: passwordFingerprint(user.passwordHash), secret: options.secret ?? SECRET, cookieName: options.cookieName });
}

function request(headers: Record<string, string>, method = "GET"): Request {
  return new Request("http://monitor.test/api/v1/something", { method, headers: { host: "monitor.test", ...headers } });
}

describe("requireRole", () => {
  it("answers 401 UNAUTHENTICATED without credentials, or with a cookie it cannot decrypt", async () => {
    await expect(requireRole(request({}), "viewer")).rejects.toMatchObject({ code: "UNAUTHENTICATED", status: 401 });
    await users.createUser({ email: "forger@example.test", role: "admin", password: "a-long-password-1" }, actor);
    const forged = await cookieOf("forger@example.test", { secret: "some-other-secret-0123456789abcdefgh" });
    await expect(requireRole(request({ cookie: forged }), "viewer")).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    await expect(requireRole(request({ cookie: "authjs.session-token=garbage" }), "viewer")).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("accepts a session cookie, re-reading the role from the database", async () => {
    const cookie = await signedIn("viewer@example.test", "viewer");
    const principal = await requireRole(request({ cookie }), "viewer");
    expect(principal).toMatchObject({ kind: "user", email: "viewer@example.test", role: "viewer" });
    await expect(requireRole(request({ cookie }), "support")).rejects.toMatchObject({ code: "FORBIDDEN", status: 403 });
  });

  it("accepts the __Secure- cookie that https sign-ins get", async () => {
    const cookie = await signedIn("secure@example.test", "support", "__Secure-authjs.session-token");
    await expect(requireRole(request({ cookie }), "support")).resolves.toMatchObject({ kind: "user", email: "secure@example.test" });
  });

  it("takes the Bearer token first: a valid one wins over a cookie, an invalid one is 401 despite a cookie", async () => {
    const adminCookie = await signedIn("admin-a@example.test", "admin");
    const { token } = await tokens.createApiToken({ name: "viewer-bot", role: "viewer" });
    await expect(requireRole(request({ authorization: `Bearer ${token}`, cookie: adminCookie }), "viewer")).resolves.toStrictEqual({
      kind: "token",
      name: "viewer-bot",
      role: "viewer",
    });
    await expect(requireRole(request({ authorization: `Bearer ${token}`, cookie: adminCookie }), "admin")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(requireRole(request({ authorization: "Bearer sct_nope", cookie: adminCookie }), "viewer")).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("refuses a cookie-authenticated change without this site's Origin (403), but not a Bearer one", async () => {
    const cookie = await signedIn("support-a@example.test", "support");
    await expect(requireRole(request({ cookie }, "POST"), "support")).rejects.toMatchObject({ code: "FORBIDDEN", status: 403 });
    await expect(requireRole(request({ cookie, origin: "https://evil.example" }, "POST"), "support")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(requireRole(request({ cookie, origin: "http://monitor.test" }, "POST"), "support")).resolves.toMatchObject({ kind: "user" });
    await expect(requireRole(request({ cookie, origin: "https://evil.example" }, "DELETE"), "support")).rejects.toMatchObject({ code: "FORBIDDEN" });
    // Reads change nothing: a cross-site GET cannot be read back by the other site anyway.
    await expect(requireRole(request({ cookie, origin: "https://evil.example" }), "support")).resolves.toMatchObject({ kind: "user" });

    const { token } = await tokens.createApiToken({ name: "support-bot", role: "support" });
    await expect(requireRole(request({ authorization: `Bearer ${token}`, origin: "https://evil.example" }, "POST"), "support")).resolves.toMatchObject({
      kind: "token",
    });
  });

  it("applies a role change on the very next request, and a removal makes the session anonymous", async () => {
    const cookie = await signedIn("mover@example.test", "viewer");
    await expect(requireRole(request({ cookie }), "admin")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await users.setUserRole("mover@example.test", "admin", actor);
    await expect(requireRole(request({ cookie }), "admin")).resolves.toMatchObject({ role: "admin" });
    await users.setUserRole("mover@example.test", "viewer", actor);
    await expect(requireRole(request({ cookie }), "support")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await users.removeUser("mover@example.test", actor);
    await expect(requireRole(request({ cookie }), "viewer")).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("ends the sessions issued before a password reset", async () => {
    const before = await signedIn("resetme@example.test", "viewer");
    await users.resetPassword("resetme@example.test", "a-brand-new-password", actor);
    await expect(requireRole(request({ cookie: before }), "viewer")).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    const after = await cookieOf("resetme@example.test");
    await expect(requireRole(request({ cookie: after }), "viewer")).resolves.toMatchObject({ email: "resetme@example.test" });
  });
});
