import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditActor } from "@/lib/audit";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";

// verifyLogin against a real database: the per-account lockout in app_user and the per-IP limit.
let db: TestDatabase;
let login: typeof import("@/lib/auth/login");
let users: typeof import("@/lib/auth/users");
let prisma: typeof import("@/lib/db/prisma").prisma;

beforeAll(async () => {
  db = await createTestDatabase("auth_login");
  process.env.DATABASE_URL = db.url;
  delete process.env.DATABASE_MODE;
  login = await import("@/lib/auth/login");
  users = await import("@/lib/auth/users");
  ({ prisma } = await import("@/lib/db/prisma"));
});

afterAll(async () => {
  const { closePool } = await import("@/lib/db/pool");
  await closePool();
  await db?.drop();
});

const SYSTEM_ACTOR: AuditActor = { type: "system", name: "test" };

let ipCounter = 0;
/** A fresh address per attempt series, so the per-IP limit only bites where a test wants it. */
const freshIp = () => `198.51.100.${++ipCounter}`;

async function addUser(email: string, password: string) {
  await users.createUser({ email, role: "viewer", password }, SYSTEM_ACTOR);
}

const row = (email: string) => prisma().user.findUniqueOrThrow({ where: { email }, select: { failedLogins: true, lockedUntil: true, lastLoginAt: true } });

describe("verifyLogin", () => {
  it("signs in with the right password (any email case) and records the sign-in", async () => {
    await addUser("frank@example.test", "frank-password-1");
    const outcome = await login.verifyLogin({ email: "Frank@Example.test", password: "frank-password-1", ip: freshIp() });
    expect(outcome).toMatchObject({ ok: true, user: { email: "frank@example.test", role: "viewer" } });
    expect((await row("frank@example.test")).lastLoginAt).toBeInstanceOf(Date);
  });

  it("answers an unknown email exactly like a wrong password", async () => {
    await addUser("gina@example.test", "gina-password-1");
    expect(await login.verifyLogin({ email: "nobody@example.test", password: "x", ip: freshIp() })).toEqual({ ok: false, reason: "invalid" });
    expect(await login.verifyLogin({ email: "gina@example.test", password: "x", ip: freshIp() })).toEqual({ ok: false, reason: "invalid" });
  });

  it("locks the account on the 5th failure for 15 minutes, refusing even the right password", async () => {
    await addUser("hank@example.test", "hank-password-1");
    for (let i = 1; i <= 4; i++) {
      expect(await login.verifyLogin({ email: "hank@example.test", password: `wrong-${i}`, ip: freshIp() })).toEqual({ ok: false, reason: "invalid" });
    }
    expect((await row("hank@example.test")).failedLogins).toBe(4);

    const before = Date.now();
    expect(await login.verifyLogin({ email: "hank@example.test", password: "wrong-5", ip: freshIp() })).toEqual({ ok: false, reason: "locked" });
    const { lockedUntil } = await row("hank@example.test");
    expect(lockedUntil?.getTime()).toBeGreaterThanOrEqual(before + login.ACCOUNT_LOCKOUT.lockMs - 5_000);
    expect(lockedUntil?.getTime()).toBeLessThanOrEqual(Date.now() + login.ACCOUNT_LOCKOUT.lockMs + 5_000);

    expect(await login.verifyLogin({ email: "hank@example.test", password: "hank-password-1", ip: freshIp() })).toEqual({ ok: false, reason: "locked" });
  });

  it("lets the user in once the lock has expired, and counts afresh after it", async () => {
    await addUser("iris@example.test", "iris-password-1");
    await prisma().user.update({ where: { email: "iris@example.test" }, data: { failedLogins: 5, lockedUntil: new Date(Date.now() - 1_000) } });
    expect(await login.verifyLogin({ email: "iris@example.test", password: "wrong", ip: freshIp() })).toEqual({ ok: false, reason: "invalid" });
    expect(await row("iris@example.test")).toMatchObject({ failedLogins: 1, lockedUntil: null });

    expect(await login.verifyLogin({ email: "iris@example.test", password: "iris-password-1", ip: freshIp() })).toMatchObject({ ok: true });
    expect(await row("iris@example.test")).toMatchObject({ failedLogins: 0, lockedUntil: null });
  });

  it("a password reset lifts the lock", async () => {
    await addUser("jack@example.test", "jack-password-1");
    for (let i = 0; i < 5; i++) await login.verifyLogin({ email: "jack@example.test", password: "wrong", ip: freshIp() });
    await users.resetPassword("jack@example.test", "jack-password-2", SYSTEM_ACTOR);
    expect(await login.verifyLogin({ email: "jack@example.test", password: "jack-password-2", ip: freshIp() })).toMatchObject({ ok: true });
  });

  it("stops one address after 20 failures across accounts, without locking anyone out elsewhere", async () => {
    await addUser("kate@example.test", "kate-password-1");
    const ip = freshIp();
    for (let i = 0; i < 20; i++) {
      expect(await login.verifyLogin({ email: `spray-${i}@example.test`, password: "guess", ip })).toEqual({ ok: false, reason: "invalid" });
    }
    expect(await login.verifyLogin({ email: "kate@example.test", password: "kate-password-1", ip })).toEqual({ ok: false, reason: "rate_limited" });
    expect(await login.verifyLogin({ email: "kate@example.test", password: "kate-password-1", ip: freshIp() })).toMatchObject({ ok: true });
  });
});
