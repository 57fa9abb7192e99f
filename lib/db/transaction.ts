import type pg from "pg";
import { isUnavailableError } from "@/lib/db/error-code";
import { pool } from "@/lib/db/pool";
import { logger } from "@/lib/observability/logger";

export interface TransactionOptions {
  /** What opens it, e.g. "BEGIN; SET LOCAL synchronous_commit = off". */
  begin?: string;
  /** Names the log line of a connection lost mid-transaction: `<label>.connection_lost`. */
  label: string;
  /** Ids to put in that log line. */
  context?: Record<string, unknown>;
}

/** Runs `work` on one pooled connection between BEGIN and COMMIT; any error rolls back and is rethrown. */
export async function withTransaction<T>(work: (db: pg.PoolClient) => Promise<T>, { begin = "BEGIN", label, context }: TransactionOptions): Promise<T> {
  const client = await pool().connect();
  // A connection dropped while checked out emits "error" on the client; unheard, that would be
  // an uncaught exception. The failing query rejects too, which is what the caller sees.
  const onConnectionError = (error: Error) => logger.warn({ ...context, err: error }, `${label}.connection_lost`);
  client.on("error", onConnectionError);
  let broken: Error | undefined;
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    if (isUnavailableError(error) && error instanceof Error) broken = error;
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.off("error", onConnectionError);
    // Released with the error so the pool discards a connection that may be dead.
    client.release(broken);
  }
}
