import { randomBytes } from "node:crypto";
import pg from "pg";
import { DEFAULT_MIGRATIONS_DIR, ensureLockfile, readMigrations, readSchema, writeMigration } from "@/lib/db/migrations-dir";
import { engineErrorMessage, NO_FILTERS, withSchemaEngine } from "@/lib/db/schema-engine";

export interface MigrationPaths {
  schemaPath?: string;
  migrationsDir?: string;
}

// "smartcar" in ASCII. Not Prisma's own key (72707369): the engine takes that one itself, with a
// 10 s timeout, on its own connection while we hold ours.
const MIGRATION_LOCK_KEY = "8317411231030010226";

/**
 * Applies the pending migrations and records them in `_prisma_migrations`, exactly as
 * `prisma migrate deploy` does. Concurrent callers (several app instances starting at once)
 * queue on a session advisory lock; whoever comes second finds nothing left to apply.
 */
export async function applyMigrations(url: string, paths: MigrationPaths = {}): Promise<{ applied: string[] }> {
  const [schema, migrations] = await Promise.all([readSchema(paths.schemaPath), readMigrations(paths.migrationsDir)]);
  return withAdvisoryLock(url, () =>
    withSchemaEngine(url, schema, async (engine) => {
      try {
        const result = await engine.applyMigrations({ migrationsList: migrations, filters: NO_FILTERS });
        return { applied: result.appliedMigrationNames };
      } catch (error) {
        throw new Error(`Applying migrations from ${migrations.baseDir} failed: ${engineErrorMessage(error)}`, { cause: error });
      }
    }),
  );
}

async function withAdvisoryLock<T>(url: string, fn: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: "smartcar-migrate" });
  client.on("error", () => undefined);
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1::bigint)", [MIGRATION_LOCK_KEY]);
    return await fn();
  } finally {
    // Ending the session releases the lock, also when this process dies mid-way.
    await client.end();
  }
}

export interface SchemaDiff {
  inSync: boolean;
  /** SQL from the migrations' end state to the schema; empty when in sync. */
  sql: string;
}

/**
 * What prisma/schema.prisma adds to the migrations, through the engine's `migrations` → schema
 * diff. Offline findings (WASM engine 8.1.0-2.59be4fd):
 * - the engine replays the migrations on the connection it was given, not on a shadow database
 *   of its own, so it gets a scratch database created on the same server for each call;
 * - reading that database back needs the "char" workaround in char-column-adapter.ts;
 * - the engine's own `createMigration` fails ("PostgreSQL shadow DB must be provided through an
 *   external factory"), and diffing from `empty` would miss drift in the migrations themselves.
 * The server behind `url` must let its user CREATE DATABASE.
 */
export async function diffSchemaAgainstMigrations(url: string, paths: MigrationPaths = {}): Promise<SchemaDiff> {
  const [schema, migrations] = await Promise.all([readSchema(paths.schemaPath), readMigrations(paths.migrationsDir)]);
  if (migrations.lockfile.content === null) {
    throw new Error(`${migrations.baseDir}/migration_lock.toml is missing: create the first migration with \`npm run db:diff -- --create <name>\`.`);
  }
  return withScratchDatabase(url, (scratchUrl) =>
    withSchemaEngine(scratchUrl, schema, async (engine) => {
      const result = await engine
        .diff({
          from: { tag: "migrations", ...migrations },
          to: { tag: "schemaDatamodel", files: [schema] },
          script: true,
          // Asks for exit code 2 when the diff is not empty.
          exitCode: true,
          filters: NO_FILTERS,
        })
        .catch((error: unknown) => {
          throw new Error(`Comparing ${schema.path} with the migrations in ${migrations.baseDir} failed: ${engineErrorMessage(error)}`, { cause: error });
        });
      const inSync = result.exitCode === 0;
      return { inSync, sql: inSync ? "" : (result.stdout ?? "") };
    }),
  );
}

/**
 * Writes the migration that brings the migrations up to the schema, named
 * `<timestamp>_<name>`; returns undefined when they are already in sync.
 */
export async function createMigration(url: string, name: string, paths: MigrationPaths = {}): Promise<{ folder: string; sql: string } | undefined> {
  const migrationsDir = paths.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  await ensureLockfile(migrationsDir);
  const diff = await diffSchemaAgainstMigrations(url, { ...paths, migrationsDir });
  if (diff.inSync) return undefined;
  return { folder: await writeMigration(migrationsDir, name, diff.sql), sql: diff.sql };
}

async function withScratchDatabase<T>(url: string, fn: (scratchUrl: string) => Promise<T>): Promise<T> {
  const name = `smartcar_diff_${randomBytes(6).toString("hex")}`;
  await adminQuery(url, `CREATE DATABASE "${name}"`);
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  try {
    return await fn(scratch.toString());
  } finally {
    await adminQuery(url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
