import { createHash, randomBytes } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { applyMigrations, createMigration, diffSchemaAgainstMigrations } from "@/lib/db/migrate";

// Runs on the test run's Postgres server: the machine's PostgreSQL 15 here, an embedded one
// where none is installed (test/helpers/global-setup.ts).
const adminUrl = inject("pgAdminUrl");
const MIGRATIONS_DIR = path.resolve("prisma/migrations");
const databases: string[] = [];
const tempDirs: string[] = [];

afterAll(async () => {
  for (const name of databases) await query(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

async function query<R extends pg.QueryResultRow = pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function freshDatabase(): Promise<string> {
  const name = `smartcar_migrate_test_${randomBytes(6).toString("hex")}`;
  await query(adminUrl, `CREATE DATABASE "${name}"`);
  databases.push(name);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function migrationFolders(dir = MIGRATIONS_DIR): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

async function scratchDatabases(): Promise<string[]> {
  return (await query<{ datname: string }>(adminUrl, "SELECT datname FROM pg_database WHERE datname LIKE 'smartcar_diff_%'")).map((r) => r.datname);
}

async function tempCopyOfPrismaDir(): Promise<{ schemaPath: string; migrationsDir: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "smartcar-migrations-"));
  tempDirs.push(dir);
  await cp(path.resolve("prisma"), dir, { recursive: true });
  return { schemaPath: path.join(dir, "schema.prisma"), migrationsDir: path.join(dir, "migrations") };
}

describe("applyMigrations", () => {
  it("builds an empty database and records each migration as prisma migrate deploy does", async () => {
    const url = await freshDatabase();
    const folders = await migrationFolders();
    expect(folders.length).toBeGreaterThan(0);

    const { applied } = await applyMigrations(url);

    expect(applied).toEqual(folders);
    const tables = (await query<{ table_name: string }>(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")).map((r) => r.table_name);
    expect(tables).toEqual(expect.arrayContaining(["event", "delivery", "vehicle_signal", "executor_run", "_prisma_migrations"]));
    const recorded = await query<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null }>(
      url,
      "SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name",
    );
    const expected = await Promise.all(
      folders.map(async (name) => ({
        migration_name: name,
        checksum: createHash("sha256").update(await readFile(path.join(MIGRATIONS_DIR, name, "migration.sql"))).digest("hex"),
        finished_at: expect.any(Date),
        rolled_back_at: null,
      })),
    );
    expect(recorded).toEqual(expected);
  });

  it("applies nothing when run again", async () => {
    const url = await freshDatabase();
    await applyMigrations(url);

    expect(await applyMigrations(url)).toEqual({ applied: [] });
    const [count] = await query<{ n: number }>(url, "SELECT count(*)::int AS n FROM _prisma_migrations");
    expect(count?.n).toBe((await migrationFolders()).length);
  });

  it("stops at a failing migration, reports the database's error and records it as failed", async () => {
    const url = await freshDatabase();
    const { schemaPath, migrationsDir } = await tempCopyOfPrismaDir();
    const broken = "29990101000000_broken";
    await mkdir(path.join(migrationsDir, broken));
    await writeFile(path.join(migrationsDir, broken, "migration.sql"), 'ALTER TABLE "no_such_table" ADD COLUMN x int;\n');

    const failure = applyMigrations(url, { schemaPath, migrationsDir });

    await expect(failure).rejects.toThrow(/failed: .*no_such_table/s);
    await expect(failure).rejects.not.toThrow(/\n\s+0: /);
    const recorded = await query<{ migration_name: string; finished: boolean }>(url, "SELECT migration_name, finished_at IS NOT NULL AS finished FROM _prisma_migrations ORDER BY migration_name");
    expect(recorded.at(-1)).toEqual({ migration_name: broken, finished: false });
  });

  it("counts the vehicles that exist before vehicle_count's migration into its total", async () => {
    const url = await freshDatabase();
    const { schemaPath, migrationsDir } = await tempCopyOfPrismaDir();
    const counting = "20261129230000_vehicle_count";
    const aside = path.join(path.dirname(migrationsDir), counting);
    await rename(path.join(migrationsDir, counting), aside);
    await applyMigrations(url, { schemaPath, migrationsDir });
    await query(url, "INSERT INTO vehicle (vehicle_id, recent_gaps) SELECT 'veh-' || i, '{}' FROM generate_series(1, 7) AS i");
    await rename(aside, path.join(migrationsDir, counting));

    expect((await applyMigrations(url, { schemaPath, migrationsDir })).applied).toContain(counting);
    await query(url, "INSERT INTO vehicle (vehicle_id, recent_gaps) VALUES ('veh-after', '{}')");
    expect(await query(url, "SELECT sum(vehicles)::int AS total FROM vehicle_count")).toEqual([{ total: 8 }]);
  });

  it("serialises concurrent runs: both succeed and each migration is applied once", async () => {
    const url = await freshDatabase();

    const results = await Promise.all([applyMigrations(url), applyMigrations(url)]);

    const folders = await migrationFolders();
    expect(results.flatMap((r) => r.applied).sort()).toEqual(folders);
    expect(results.some((r) => r.applied.length === 0)).toBe(true);
    const [count] = await query<{ n: number }>(url, "SELECT count(*)::int AS n FROM _prisma_migrations");
    expect(count?.n).toBe(folders.length);
  });
});

describe("diffSchemaAgainstMigrations", () => {
  it("finds the repository's schema and migrations in sync, leaving no scratch database", async () => {
    const before = await scratchDatabases();

    expect(await diffSchemaAgainstMigrations(adminUrl)).toEqual({ inSync: true, sql: "" });
    expect(await scratchDatabases()).toEqual(before);
  });

  it("reports what the schema adds, and --create writes it as the next migration", async () => {
    const { schemaPath, migrationsDir } = await tempCopyOfPrismaDir();
    const schema = await readFile(schemaPath, "utf8");
    await writeFile(schemaPath, `${schema}\nmodel DriftProbe {\n  id Int @id\n  @@map("drift_probe")\n}\n`);
    const paths = { schemaPath, migrationsDir };

    const drift = await diffSchemaAgainstMigrations(adminUrl, paths);
    expect(drift.inSync).toBe(false);
    expect(drift.sql).toContain('CREATE TABLE "drift_probe"');

    const existing = await migrationFolders(migrationsDir);
    const created = await createMigration(adminUrl, "Add drift-probe", paths);
    expect(created?.folder).toMatch(/^\d{14}_add_drift_probe$/);
    expect(await migrationFolders(migrationsDir)).toEqual([...existing, created?.folder]);
    expect(await readFile(path.join(migrationsDir, created?.folder ?? "", "migration.sql"), "utf8")).toBe(drift.sql);

    expect(await diffSchemaAgainstMigrations(adminUrl, paths)).toEqual({ inSync: true, sql: "" });
    expect(await createMigration(adminUrl, "again", paths)).toBeUndefined();
  });

  it("reads back constraints the schema cannot express (CHECK) without reporting drift", async () => {
    const { schemaPath, migrationsDir } = await tempCopyOfPrismaDir();
    const folder = path.join(migrationsDir, "29990101000000_check_attempts");
    await mkdir(folder);
    await writeFile(path.join(folder, "migration.sql"), 'ALTER TABLE "event" ADD CONSTRAINT "event_attempts_nonneg" CHECK ("attempts" >= 0);\n');

    expect(await diffSchemaAgainstMigrations(adminUrl, { schemaPath, migrationsDir })).toEqual({ inSync: true, sql: "" });
  });

  it("notices a migration edited away from the schema", async () => {
    const { schemaPath, migrationsDir } = await tempCopyOfPrismaDir();
    const [first] = await migrationFolders(migrationsDir);
    const file = path.join(migrationsDir, first ?? "", "migration.sql");
    const sql = await readFile(file, "utf8");
    const withoutIndex = sql.replace(/CREATE INDEX "event_status_received_at_idx"[^;]*;/, "");
    expect(withoutIndex).not.toBe(sql);
    await writeFile(file, withoutIndex);

    const drift = await diffSchemaAgainstMigrations(adminUrl, { schemaPath, migrationsDir });

    expect(drift.inSync).toBe(false);
    expect(drift.sql).toContain('CREATE INDEX "event_status_received_at_idx"');
  });
});
