import type { Env } from "@/lib/config";
import { ensureEmbeddedPostgres } from "@/lib/db/embedded";

export interface ResolvedDatabase {
  url: string;
  mode: "embedded" | "external";
  /** Stops an embedded server this call started; a no-op otherwise. */
  stop(): Promise<void>;
}

/**
 * DATABASE_URL when set, else the embedded PostgreSQL in DATA_DIR (reused when already running).
 * With DATABASE_URL set, DATABASE_MODE=embedded marks the URL as the launcher's embedded server,
 * which this process did not start and must not stop.
 */
export async function resolveDatabase(config: Env): Promise<ResolvedDatabase> {
  if (config.DATABASE_URL) {
    return { url: config.DATABASE_URL, mode: config.DATABASE_MODE ?? "external", stop: async () => undefined };
  }
  if (config.DATABASE_MODE === "external") throw new Error("DATABASE_MODE=external needs DATABASE_URL.");
  const embedded = await ensureEmbeddedPostgres({ dataDir: config.DATA_DIR, port: config.EMBEDDED_PG_PORT });
  return { url: embedded.url, mode: "embedded", stop: embedded.stop };
}
