import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";

// `npm run users` as an operator runs it: a child process reaching the database via DATABASE_URL.
let db: TestDatabase;
let prisma: typeof import("@/lib/db/prisma").prisma;
let verifyPassword: typeof import("@/lib/auth/passwords").verifyPassword;

beforeAll(async () => {
  db = await createTestDatabase("users_cli");
  process.env.DATABASE_URL = db.url;
  delete process.env.DATABASE_MODE;
  ({ prisma } = await import("@/lib/db/prisma"));
  ({ verifyPassword } = await import("@/lib/auth/passwords"));
});

afterAll(async () => {
  const { closePool } = await import("@/lib/db/pool");
  await closePool();
  await db?.drop();
});

function users(args: string[], options: { stdin?: string; databaseUrl?: string } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
  const env: NodeJS.ProcessEnv = { NODE_ENV: "test", PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: options.databaseUrl ?? db.url };
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, ["scripts/users.ts", ...args], { cwd: process.cwd(), env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? "");
  });
}

const hashOf = async (email: string) => (await prisma().user.findUniqueOrThrow({ where: { email } })).passwordHash;

describe("npm run users", () => {
  it("adds a user with a generated password printed as the last line, and lists it without secrets", async () => {
    const added = await users(["add", "Ops@Example.test", "--role", "support", "--name", "Ops team"]);
    expect(added.code).toBe(0);
    const password = added.stdout.trimEnd().split("\n").at(-1) ?? "";
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await verifyPassword(password, await hashOf("ops@example.test"))).toBe(true);

    const listed = await users(["list"]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^EMAIL\s+ROLE\s+NAME\s+CREATED\s+LAST LOGIN\s+LOCKED UNTIL$/m);
    expect(listed.stdout).toMatch(/^ops@example\.test\s+support\s+Ops team\s+\d{4}-\S+Z\s+-\s+-$/m);
    expect(listed.stdout).not.toContain(password);
    expect(listed.stdout).not.toContain("$2");
  });

  it("takes a password from stdin without printing it, and audits as the OS user", async () => {
    const added = await users(["add", "quiet@example.test", "--role", "viewer", "--password-stdin"], { stdin: "a-password-from-stdin\n" });
    expect(added).toMatchObject({ code: 0, stdout: "Added quiet@example.test (viewer).\n" });
    expect(await verifyPassword("a-password-from-stdin", await hashOf("quiet@example.test"))).toBe(true);

    const entry = await prisma().auditEntry.findFirstOrThrow({ where: { targetId: "quiet@example.test" } });
    expect(entry).toMatchObject({ action: "user.created", actorType: "cli" });
    expect(entry.actorName.length).toBeGreaterThan(0);
  });

  it("resets a password from stdin or to a generated one", async () => {
    await users(["add", "temp@example.test", "--role", "viewer"]);
    expect(await users(["reset", "temp@example.test", "--password-stdin"], { stdin: "second-password-here\n" })).toMatchObject({ code: 0 });
    expect(await verifyPassword("second-password-here", await hashOf("temp@example.test"))).toBe(true);

    const generated = await users(["reset", "temp@example.test"]);
    const third = generated.stdout.trimEnd().split("\n").at(-1) ?? "";
    expect(await verifyPassword(third, await hashOf("temp@example.test"))).toBe(true);
  });

  it("removes a user", async () => {
    await users(["add", "leaver@example.test", "--role", "viewer"]);
    expect(await users(["remove", "leaver@example.test"])).toMatchObject({ code: 0, stdout: "Removed leaver@example.test.\n" });
    expect(await prisma().user.findUnique({ where: { email: "leaver@example.test" } })).toBeNull();
  });

  it("exits 1 with a clear message for a duplicate or an unknown user", async () => {
    await users(["add", "dup@example.test", "--role", "viewer"]);
    const duplicate = await users(["add", "dup@example.test", "--role", "viewer"]);
    expect(duplicate).toMatchObject({ code: 1, stdout: "" });
    expect(duplicate.stderr).toContain("already exists");
    expect(await users(["remove", "ghost@example.test"])).toMatchObject({ code: 1, stderr: expect.stringContaining("No user with the email ghost@example.test") });
  });

  it("exits 1 for a short password and for removing the last admin", async () => {
    expect(await users(["reset", "dup@example.test", "--password-stdin"], { stdin: "short\n" })).toMatchObject({ code: 1, stderr: expect.stringContaining("at least 12") });
    await users(["add", "only-admin@example.test", "--role", "admin"]);
    expect(await users(["remove", "only-admin@example.test"])).toMatchObject({ code: 1, stderr: expect.stringContaining("last admin") });
  });

  it("prints usage and exits 2 on bad usage, before touching the database", async () => {
    for (const args of [[], ["add", "x@example.test", "--role", "root"], ["add", "not-an-email", "--role", "viewer"], ["remove"], ["remove", "a@b", "--role", "admin"], ["frobnicate"]]) {
      const result = await users(args, { databaseUrl: "postgres://postgres@127.0.0.1:1/none" });
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toContain("Usage:");
    }
  });
});
