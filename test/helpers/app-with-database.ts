import type pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { startApp, type AppOptions, type RunningApp } from "./app";
import { testPool } from "./db-client";
import { createTestDatabase, type TestDatabase } from "./test-database";

export interface AppWithDatabase {
  app: RunningApp;
  db: pg.Pool;
  database: TestDatabase;
}

/**
 * Registers hooks that give the enclosing suite a fresh migrated database and the app running
 * on it; `prepare` runs on the database before the app starts (e.g. fault triggers).
 */
export function useAppWithDatabase(
  options: { env?: AppOptions["env"]; prepare?: (db: pg.Pool) => Promise<void> } = {},
): AppWithDatabase {
  const context = {} as AppWithDatabase;
  beforeAll(async () => {
    context.database = await createTestDatabase();
    context.db = testPool(context.database.url);
    await options.prepare?.(context.db);
    context.app = await startApp({ databaseUrl: context.database.url, env: options.env });
  });
  afterAll(async () => {
    await context.app?.stop();
    await context.db?.end();
    await context.database?.drop();
  });
  return context;
}
