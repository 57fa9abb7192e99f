import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type RunningApp } from "../../helpers/app";
import { signInOverHttp } from "../../helpers/session";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";

// `npm start` on an empty user table: the launcher creates the first admin before the app runs.
let generatedDb: TestDatabase;
let configuredDb: TestDatabase;
const apps: RunningApp[] = [];

beforeAll(async () => {
  [generatedDb, configuredDb] = await Promise.all([createTestDatabase("auth_first_run"), createTestDatabase("auth_first_run_env")]);
});

afterAll(async () => {
  for (const app of apps) await app.stop();
  await Promise.all([generatedDb?.drop(), configuredDb?.drop()]);
});

describe("first-run admin", () => {
  it("without ADMIN_PASSWORD: admin@localhost with a generated password in <DATA_DIR>/initial-admin.txt (0600); only the path is logged", async () => {
    const app = await startApp({ databaseUrl: generatedDb.url, env: { ADMIN_EMAIL: undefined, ADMIN_PASSWORD: undefined } });
    apps.push(app);
    const file = path.join(app.dataDir, "initial-admin.txt");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, "utf8");
    expect(text).toContain("email: admin@localhost");
    const password = text.match(/^password: (\S+)$/m)?.[1] ?? "";
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);

    const output = app.output();
    expect(output).toContain('"msg":"auth.initial_admin_created');
    expect(output).toContain(`"passwordFile":"${file}"`);
    expect(output).not.toContain(password);

    // The password in the file works, and the creation is in the audit log.
    const { cookie } = await signInOverHttp(app.url, { email: "admin@localhost", password }, "192.0.2.10");
    expect(cookie).not.toBeNull();
    const audit = await fetch(`${app.url}/api/v1/audit`, { headers: { cookie: cookie ?? "" } });
    expect(audit.status).toBe(200);
    expect(await audit.json()).toMatchObject({ items: [{ action: "user.created", actor: { type: "system" }, targetId: "admin@localhost", details: { role: "admin" } }] });
  });

  it("does nothing on later starts: an admin already exists", async () => {
    process.env.DATABASE_URL = generatedDb.url;
    const { ensureInitialAdmin } = await import("@/lib/auth/initial-admin");
    const dataDir = apps[0]?.dataDir ?? "";
    const before = readFileSync(path.join(dataDir, "initial-admin.txt"), "utf8");
    await expect(ensureInitialAdmin({ databaseUrl: generatedDb.url, dataDir, env: {} })).resolves.toEqual({ kind: "exists" });
    expect(readFileSync(path.join(dataDir, "initial-admin.txt"), "utf8")).toBe(before);
  });

  it("with ADMIN_EMAIL / ADMIN_PASSWORD: that account, no password file, the password nowhere in the log", async () => {
    const password = "configured-admin-password";
    const app = await startApp({ databaseUrl: configuredDb.url, env: { ADMIN_EMAIL: "Ops@Example.test", ADMIN_PASSWORD: password } });
    apps.push(app);
    expect(() => statSync(path.join(app.dataDir, "initial-admin.txt"))).toThrow(expect.objectContaining({ code: "ENOENT" }));
    expect(app.output()).toContain('"email":"ops@example.test"');
    expect(app.output()).not.toContain(password);
    const { cookie } = await signInOverHttp(app.url, { email: "ops@example.test", password }, "192.0.2.11");
    expect(cookie).not.toBeNull();
  });
});
