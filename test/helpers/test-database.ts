import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";
import { applyMigrations } from "@/lib/db/migrate";
import { testPool } from "./db-client";

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database on the run's Postgres server; drop() removes it. */
export async function createTestDatabase(prefix = "smartcar_test"): Promise<TestDatabase> {
  const adminUrl = inject("pgAdminUrl");
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await applyMigrations(url.toString());
  return {
    url: url.toString(),
    name,
    drop: () => withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface DatabaseForSuite {
  database: TestDatabase;
  db: pg.Pool;
}

/** Registers hooks that give the enclosing suite a fresh migrated database and a pool on it. */
export function useTestDatabase(): DatabaseForSuite {
  const context = {} as DatabaseForSuite;
  beforeAll(async () => {
    context.database = await createTestDatabase();
    context.db = testPool(context.database.url);
  });
  afterAll(async () => {
    await context.db?.end();
    await context.database?.drop();
  });
  return context;
}
