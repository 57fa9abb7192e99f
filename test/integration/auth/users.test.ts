import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditActor } from "@/lib/audit";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";

// The users library against a real database: every change and its audit entry, the guards.
let db: TestDatabase;
let users: typeof import("@/lib/auth/users");
let passwords: typeof import("@/lib/auth/passwords");
let prisma: typeof import("@/lib/db/prisma").prisma;

const actor: AuditActor = { type: "user", id: "00000000-0000-4000-8000-000000000001", name: "boss@example.test" };

beforeAll(async () => {
  db = await createTestDatabase("auth_users");
  process.env.DATABASE_URL = db.url;
  delete process.env.DATABASE_MODE;
  users = await import("@/lib/auth/users");
  passwords = await import("@/lib/auth/passwords");
  ({ prisma } = await import("@/lib/db/prisma"));
});

afterAll(async () => {
  const { closePool } = await import("@/lib/db/pool");
  await closePool();
  await db?.drop();
});

async function auditFor(targetId: string) {
  return prisma().auditEntry.findMany({ where: { targetId }, orderBy: { id: "asc" } });
}

describe("createUser / listUsers", () => {
  it("stores a lower-cased email and a bcrypt hash, lists it without the hash, and audits it", async () => {
    const created = await users.createUser({ email: " Alice@Example.TEST ", role: "support", password: "alice-password-1", name: "Alice" }, actor);
    expect(created).toMatchObject({ email: "alice@example.test", role: "support", name: "Alice", failedLogins: 0, lockedUntil: null });

    const listed = (await users.listUsers()).find((u) => u.email === "alice@example.test");
    expect(listed).toBeDefined();
    expect(Object.keys(listed ?? {})).not.toContain("passwordHash");

    const stored = await users.findUserByEmail("alice@example.test");
    expect(stored?.passwordHash).toMatch(/^\$2[aby]\$12\$/);
    expect(await passwords.verifyPassword("alice-password-1", stored?.passwordHash ?? "")).toBe(true);

    expect(await auditFor("alice@example.test")).toMatchObject([
      { action: "user.created", actorType: "user", actorId: actor.id, actorName: actor.name, targetType: "user", details: { role: "support" } },
    ]);
  });

  it("refuses a second user with the same email, whatever its case, without auditing it", async () => {
    await users.createUser({ email: "bob@example.test", role: "viewer", password: "bob-password-01" }, actor);
    await expect(users.createUser({ email: "BOB@example.test", role: "admin", password: "bob-password-02" }, actor)).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect(await auditFor("bob@example.test")).toHaveLength(1);
  });

  it("refuses a short password or a malformed email as a 400, storing nothing", async () => {
    await expect(users.createUser({ email: "carol@example.test", role: "viewer", password: "short" }, actor)).rejects.toMatchObject({ code: "INVALID_BODY" });
    await expect(users.createUser({ email: "no-at-sign", role: "viewer", password: "long-enough-password" }, actor)).rejects.toMatchObject({ code: "INVALID_BODY" });
    expect(await users.findUserByEmail("carol@example.test")).toBeNull();
  });
});

describe("resetPassword", () => {
  it("replaces the hash, lifts a lockout and audits without the password", async () => {
    await users.createUser({ email: "dave@example.test", role: "viewer", password: "dave-password-old" }, actor);
    await prisma().user.update({ where: { email: "dave@example.test" }, data: { failedLogins: 5, lockedUntil: new Date(Date.now() + 600_000) } });

    await users.resetPassword("dave@example.test", "dave-password-new", actor);
    const stored = await users.findUserByEmail("dave@example.test");
    expect(await passwords.verifyPassword("dave-password-new", stored?.passwordHash ?? "")).toBe(true);
    expect(await passwords.verifyPassword("dave-password-old", stored?.passwordHash ?? "")).toBe(false);
    expect(stored?.lockedUntil).toBeNull();

    const entries = await auditFor("dave@example.test");
    expect(entries.map((e) => e.action)).toEqual(["user.created", "user.password_reset"]);
    expect(JSON.stringify(entries.map((e) => e.details))).not.toContain("dave-password-new");
  });

  it("answers NOT_FOUND for an unknown email", async () => {
    await expect(users.resetPassword("nobody@example.test", "whatever-password", actor)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("setUserRole / removeUser", () => {
  it("changes a role and removes a user, auditing both", async () => {
    await users.createUser({ email: "erin@example.test", role: "viewer", password: "erin-password-01" }, actor);
    await users.setUserRole("erin@example.test", "support", actor);
    expect((await users.findUserByEmail("erin@example.test"))?.role).toBe("support");
    await users.removeUser("erin@example.test", actor);
    expect(await users.findUserByEmail("erin@example.test")).toBeNull();

    expect(await auditFor("erin@example.test")).toMatchObject([
      { action: "user.created" },
      { action: "user.role_changed", details: { from: "viewer", to: "support" } },
      { action: "user.removed", details: { role: "support" } },
    ]);
  });

  it("never leaves the installation without an admin, even under concurrent demotions", async () => {
    await prisma().user.deleteMany({ where: { role: "admin" } });
    await users.createUser({ email: "admin1@example.test", role: "admin", password: "admin1-password" }, actor);
    await expect(users.removeUser("admin1@example.test", actor)).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(users.setUserRole("admin1@example.test", "viewer", actor)).rejects.toMatchObject({ code: "CONFLICT" });

    await users.createUser({ email: "admin2@example.test", role: "admin", password: "admin2-password" }, actor);
    const results = await Promise.allSettled([
      users.setUserRole("admin1@example.test", "viewer", actor),
      users.setUserRole("admin2@example.test", "viewer", actor),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected")).toMatchObject([{ reason: { code: "CONFLICT" } }]);
    expect(await prisma().user.count({ where: { role: "admin" } })).toBe(1);
  });
});
