import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiToken } from "@/lib/auth/token-format";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";

// Modules that read the configuration are imported after DATABASE_URL points at this file's database.
let db: TestDatabase;
let tokens: typeof import("@/lib/auth/api-tokens");
let requireRole: typeof import("@/lib/auth/require-role").requireRole;
let prisma: typeof import("@/lib/db/prisma").prisma;

beforeAll(async () => {
  db = await createTestDatabase("api_tokens");
  process.env.DATABASE_URL = db.url;
  tokens = await import("@/lib/auth/api-tokens");
  ({ requireRole } = await import("@/lib/auth/require-role"));
  ({ prisma } = await import("@/lib/db/prisma"));
});

afterAll(async () => {
  const { closePool } = await import("@/lib/db/pool");
  await closePool();
  await db?.drop();
});

const bearer = (token: string) => `Bearer ${token}`;
const request = (authorization?: string) => new Request("http://localhost/api/v1/events/x", { headers: authorization ? { authorization } : {} });

describe("createApiToken", () => {
  it("returns an sct_ token once and stores only its sha256", async () => {
    const created = await tokens.createApiToken({ name: "ci-bot", role: "support" });

    expect(created.token).toMatch(/^sct_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ name: "ci-bot", role: "support" });
    const row = await prisma().apiToken.findUniqueOrThrow({ where: { name: "ci-bot" } });
    expect(row.tokenHash).toBe(hashApiToken(created.token));
    expect(JSON.stringify(row)).not.toContain(created.token.slice(4));
  });

  it("refuses a duplicate name with CONFLICT", async () => {
    await tokens.createApiToken({ name: "dup", role: "viewer" });
    await expect(tokens.createApiToken({ name: "dup", role: "admin" })).rejects.toMatchObject({ code: "CONFLICT", status: 409 });
  });

  it("refuses a malformed name", async () => {
    await expect(tokens.createApiToken({ name: "has space", role: "viewer" })).rejects.toMatchObject({ code: "INVALID_BODY" });
  });
});

describe("authenticateBearer", () => {
  it("resolves a valid token to its principal and records when it was used", async () => {
    const { token } = await tokens.createApiToken({ name: "reader", role: "viewer" });

    expect(await tokens.authenticateBearer(bearer(token))).toStrictEqual({ kind: "token", name: "reader", role: "viewer" });
    const row = await prisma().apiToken.findUniqueOrThrow({ where: { name: "reader" } });
    expect(row.lastUsedAt).toBeInstanceOf(Date);
  });

  it("rejects missing, malformed, unknown and revoked tokens", async () => {
    const { token } = await tokens.createApiToken({ name: "short-lived", role: "admin" });
    expect(await tokens.authenticateBearer(null)).toBeNull();
    expect(await tokens.authenticateBearer("Bearer not-a-token")).toBeNull();
    expect(await tokens.authenticateBearer(bearer(`sct_${"x".repeat(43)}`))).toBeNull();

    expect(await tokens.revokeApiToken("short-lived")).toBe("revoked");
    expect(await tokens.authenticateBearer(bearer(token))).toBeNull();
  });

  it("grants nothing for a role it does not know", async () => {
    const { token } = await tokens.createApiToken({ name: "future-role", role: "viewer" });
    await prisma().apiToken.update({ where: { name: "future-role" }, data: { role: "superuser" } });
    expect(await tokens.authenticateBearer(bearer(token))).toBeNull();
  });
});

describe("revokeApiToken and listApiTokens", () => {
  it("revokes once, then reports already revoked or unknown", async () => {
    await tokens.createApiToken({ name: "to-revoke", role: "viewer" });
    expect(await tokens.revokeApiToken("to-revoke")).toBe("revoked");
    expect(await tokens.revokeApiToken("to-revoke")).toBe("already_revoked");
    expect(await tokens.revokeApiToken("never-existed")).toBe("not_found");
  });

  it("lists name, role and dates, never the hash", async () => {
    const list = await tokens.listApiTokens();
    const revoked = list.find((t) => t.name === "to-revoke");
    expect(Object.keys(revoked ?? {}).sort()).toStrictEqual(["createdAt", "lastUsedAt", "name", "revokedAt", "role"]);
    expect(revoked?.revokedAt).toBeInstanceOf(Date);
    expect(list.find((t) => t.name === "future-role")?.role).toBe("unknown");
    expect(list.map((t) => t.name)).toContain("ci-bot");
  });
});

describe("requireRole", () => {
  it("returns the principal when the role suffices", async () => {
    const { token } = await tokens.createApiToken({ name: "support-1", role: "support" });
    await expect(requireRole(request(bearer(token)), "viewer")).resolves.toStrictEqual({ kind: "token", name: "support-1", role: "support" });
    await expect(requireRole(request(bearer(token)), "support")).resolves.toMatchObject({ name: "support-1" });
  });

  it("throws FORBIDDEN for a role too low", async () => {
    const { token } = await tokens.createApiToken({ name: "viewer-1", role: "viewer" });
    await expect(requireRole(request(bearer(token)), "admin")).rejects.toMatchObject({ code: "FORBIDDEN", status: 403 });
  });

  it("throws UNAUTHENTICATED without valid credentials", async () => {
    await expect(requireRole(request(), "viewer")).rejects.toMatchObject({ code: "UNAUTHENTICATED", status: 401 });
    await expect(requireRole(request("Bearer sct_nope"), "viewer")).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });
});
