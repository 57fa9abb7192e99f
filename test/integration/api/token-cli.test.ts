import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiToken } from "@/lib/auth/token-format";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";

// `npm run token` as a user runs it: a child process reaching the database through DATABASE_URL.
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase("token_cli");
});

afterAll(async () => {
  await db?.drop();
});

function token(args: string[], databaseUrl = db.url): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
  const env: NodeJS.ProcessEnv = { NODE_ENV: "test", PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl };
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, ["scripts/token.ts", ...args], { cwd: process.cwd(), env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run token", () => {
  it("creates a token, printed as the last stdout line, and lists it without its hash", async () => {
    const created = await token(["create", "--name", "ops", "--role", "support"]);
    expect(created.code).toBe(0);
    const lastLine = created.stdout.trimEnd().split("\n").at(-1) ?? "";
    expect(lastLine).toMatch(/^sct_[A-Za-z0-9_-]{43}$/);

    const listed = await token(["list"]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^NAME\s+ROLE\s+CREATED\s+LAST USED\s+REVOKED$/m);
    expect(listed.stdout).toMatch(/^ops\s+support\s+\d{4}-\d\d-\d\dT[\d:.]+Z\s+-\s+-$/m);
    expect(listed.stdout).not.toContain(hashApiToken(lastLine));
    expect(listed.stdout).not.toContain(lastLine);
  });

  it("refuses a duplicate name with a clear message and exit code 1", async () => {
    await token(["create", "--name", "twice", "--role", "viewer"]);
    const again = await token(["create", "--name", "twice", "--role", "viewer"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('A token named "twice" already exists');
    expect(again.stdout).toBe("");
  });

  it("revokes by name; an unknown name exits 1", async () => {
    await token(["create", "--name", "old", "--role", "admin"]);
    expect(await token(["revoke", "old"])).toMatchObject({ code: 0, stdout: 'Revoked "old".\n' });
    expect((await token(["list"])).stdout).toMatch(/^old\s+admin\s+\S+\s+-\s+\d{4}-\S+Z$/m);
    expect(await token(["revoke", "missing"])).toMatchObject({ code: 1, stderr: expect.stringContaining('no token named "missing"') });
  });

  it("prints usage and exits 2 on bad usage, before touching the database", async () => {
    for (const args of [[], ["create", "--name", "x"], ["create", "--name", "x", "--role", "root"], ["revoke"], ["frobnicate"], ["list", "--bogus"]]) {
      // An unreachable database: touching it would exit 1, not 2.
      const result = await token(args, "postgres://postgres@127.0.0.1:1/none");
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toContain("Usage:");
    }
  });
});
