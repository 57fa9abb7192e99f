import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { startApp, type RunningApp } from "../test/helpers/app";
import { findAdminDatabaseUrl } from "../test/helpers/postgres-server";
import { E2E_USERS } from "./support/e2e-users";

// One fresh database and one app for the whole e2e run, started as a user starts it (the
// launcher: migrations, first-run admin from ADMIN_EMAIL/ADMIN_PASSWORD, next start); the other
// roles are added with `npm run users`. The base URL reaches the specs through E2E_BASE_URL;
// the returned function is the global teardown.
export default async function globalSetup(): Promise<() => Promise<void>> {
  const server = await findAdminDatabaseUrl();
  const name = `smartcar_e2e_${randomBytes(6).toString("hex")}`;
  await withClient(server.adminUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(server.adminUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();

  let app: RunningApp | undefined;
  const teardown = async () => {
    if (app) {
      await app.stop();
      // The app's own log, next to the screenshots, for whoever reads a failed run.
      mkdirSync("test-results", { recursive: true });
      writeFileSync(path.join("test-results", "e2e-app.log"), app.output());
    }
    await withClient(server.adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    await server.stop();
  };
  try {
    app = await startApp({
      databaseUrl,
      env: {
        ADMIN_EMAIL: E2E_USERS.admin.email,
        ADMIN_PASSWORD: E2E_USERS.admin.password,
        // The specs' events are dated a year back: a retention tick (every 15 minutes of the
        // clock) falling inside the run would coarsen their locations and purge their payloads.
        RETENTION_PAYLOAD_DAYS: "0",
        RETENTION_LOCATION_DAYS: "0",
        RETENTION_TOMBSTONE_DAYS: "0",
        RETENTION_REJECTION_DAYS: "0",
        RETENTION_ALERT_DAYS: "0",
      },
    });
    for (const role of ["support", "viewer"] as const) addUser(databaseUrl, role);
  } catch (err) {
    await teardown();
    throw err;
  }
  process.env.E2E_BASE_URL = app.url;
  // Specs that inject faults (redrive.spec.ts) reach the app's database directly.
  process.env.E2E_DATABASE_URL = databaseUrl;
  return teardown;
}

// Through the CLI rather than an import: Playwright's loader cannot load the ESM-only pieces of
// the data layer (the generated Prisma client), and the CLI is the users library's front end.
function addUser(databaseUrl: string, role: "support" | "viewer"): void {
  const { email, password } = E2E_USERS[role];
  const result = spawnSync(path.join("node_modules", ".bin", "tsx"), ["scripts/users.ts", "add", email, "--role", role, "--password-stdin"], {
    env: { NODE_ENV: "test", PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl, LOG_LEVEL: "silent" },
    input: `${password}\n`,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`users add ${email} failed (${result.status}): ${result.stderr}`);
}

async function withClient<T>(connectionString: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
