import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensureEmbeddedPostgres, type EmbeddedPostgres } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { freePort } from "./postgres-server";

export interface StoppablePostgres {
  url: string;
  /** Stops the server (fast shutdown): every connection drops, new ones are refused. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops it (if running) and deletes its data directory. */
  remove(): Promise<void>;
}

/** A migrated Postgres of the test's own, to take away from the app and give back. */
export async function startStoppablePostgres(): Promise<StoppablePostgres> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "smartcar-stoppable-pg-"));
  const port = await freePort();
  let server: EmbeddedPostgres | null = await ensureEmbeddedPostgres({ dataDir, port });
  await applyMigrations(server.url);
  const url = server.url;
  return {
    url,
    stop: async () => {
      await server?.stop();
      server = null;
    },
    start: async () => {
      server = await ensureEmbeddedPostgres({ dataDir, port });
    },
    remove: async () => {
      await server?.stop();
      server = null;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
