import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";

const MACHINE_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres";

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_500 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function findAdminDatabaseUrl(): Promise<{ adminUrl: string; stop: () => Promise<void> }> {
  const configured = process.env.TEST_PG_ADMIN_URL;
  if (configured) return { adminUrl: configured, stop: async () => undefined };
  if (await answers(MACHINE_POSTGRES)) return { adminUrl: MACHINE_POSTGRES, stop: async () => undefined };

  // Loaded only here: most runs have the machine's Postgres and never need the embedded one.
  const { ensureEmbeddedPostgres } = await import("@/lib/db/embedded");
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "smartcar-test-pg-"));
  const embedded = await ensureEmbeddedPostgres({ dataDir, port: await freePort() });
  const admin = new URL(embedded.url);
  admin.pathname = "/postgres";
  return {
    adminUrl: admin.toString(),
    stop: async () => {
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
