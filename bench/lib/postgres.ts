// The benchmark's database: a fresh embedded PostgreSQL (the product's own, lib/db/embedded.ts) in
// a temp dir on a free port, so every run starts empty and runs on any machine.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { ensureEmbeddedPostgres } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { freePort } from "@/test/helpers/postgres-server";

/** Copies of the freshly migrated product database, for the baselines that store the receiver's feed. */
export const BASELINE_DATABASES = ["bench_storage_ceiling", "bench_irreducible"] as const;

export interface BenchDatabase {
  url: string;
  /** URL of each BASELINE_DATABASES entry. */
  baselineUrls: Record<(typeof BASELINE_DATABASES)[number], string>;
  dataDir: string;
  /** The server's log: auto_explain writes its plans there. */
  logFile: string;
  postmasterPid(): number;
  stop(): Promise<void>;
}

export async function startBenchDatabase(): Promise<BenchDatabase> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "smartcar-bench-"));
  const server = await ensureEmbeddedPostgres({ dataDir, port: await freePort() });
  await preloadAutoExplain(server.url);
  await applyMigrations(server.url);
  // CREATE DATABASE … TEMPLATE needs the template to have no session: now, before the app starts.
  const [storageCeiling, irreducible] = BASELINE_DATABASES;
  const baselineUrls = { [storageCeiling]: await cloneDatabase(server.url, storageCeiling), [irreducible]: await cloneDatabase(server.url, irreducible) };
  const pgDir = path.join(dataDir, "pg");
  return {
    url: server.url,
    baselineUrls,
    dataDir,
    logFile: path.join(dataDir, "pg.log"),
    // First line of postmaster.pid (PostgreSQL's own record of its pid).
    postmasterPid: () => Number.parseInt(readFileSync(path.join(pgDir, "postmaster.pid"), "utf8").split("\n")[0] ?? "", 10),
    stop: async () => {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// auto_explain is loaded into every session from the start but stays off (log_min_duration -1,
// a single comparison per query) until the dashboard phase switches it on with a reload: the
// app's pooled connections are opened long before, and a preload only reaches new sessions.
async function preloadAutoExplain(url: string): Promise<void> {
  await withClient(url, async (client) => {
    await client.query("ALTER SYSTEM SET session_preload_libraries = 'auto_explain'");
    await client.query("ALTER SYSTEM SET auto_explain.log_min_duration = -1");
    await client.query("SELECT pg_reload_conf()");
  });
}

export function databaseUrl(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

// The baselines write the same feed into the same schema without colliding with the product's events.
async function cloneDatabase(url: string, name: string): Promise<string> {
  const template = new URL(url).pathname.slice(1);
  await withClient(databaseUrl(url, "postgres"), (client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return databaseUrl(url, name);
}

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: "smartcar-bench" });
  client.on("error", () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
