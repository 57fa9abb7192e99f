import type { SchemaContainer, SchemaEngine, SchemaFilter } from "@prisma/schema-engine-wasm/schema_engine_bg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { CharColumnClient, charColumnAdapterFactory } from "@/lib/db/char-column-adapter";
import { errorMessage } from "@/lib/db/error-code";
import { loadEngineBindings, whileEngineOpen } from "@/lib/db/schema-engine-wasm";

export const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

/**
 * Runs `fn` with Prisma's schema engine connected to `url` through adapter-pg. The engine runs
 * everything on that connection: it has no shadow database of its own even for the operations
 * where the CLI uses one (see diffSchemaAgainstMigrations).
 */
export async function withSchemaEngine<T>(url: string, schema: SchemaContainer, fn: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const bindings = await loadEngineBindings();
  const pool = new pg.Pool({ connectionString: url, Client: CharColumnClient, application_name: "smartcar-schema-engine" });
  // An idle connection dropped by the server must not crash the process; the next query reports it.
  pool.on("error", () => undefined);
  try {
    return await whileEngineOpen(async () => {
      const adapter = bindMigrationAwareSqlAdapterFactory(charColumnAdapterFactory(pool));
      // The engine's tracing output repeats what its rejected promises say.
      const engine = await bindings.SchemaEngine.new({ datamodels: [[schema.path, schema.content]] }, () => undefined, adapter);
      try {
        return await fn(engine);
      } finally {
        engine.free();
      }
    });
  } finally {
    await pool.end();
  }
}

/** An engine error's message without the tracing spans it appends ("   0: sql_schema_connector::…"). */
export function engineErrorMessage(error: unknown): string {
  return (errorMessage(error).split(/\n\s+0: /)[0] ?? "").trim();
}
