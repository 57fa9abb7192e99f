import type pg from "pg";
import { isUnavailableError } from "@/lib/db/error-code";
import { pool } from "@/lib/db/pool";
import { logger } from "@/lib/observability/logger";

/**
 * One retention batch = one short transaction: its statements and the saved position commit
 * together. It commits without waiting for the WAL flush, so a backlog of batches does not queue
 * fsyncs in front of the receiver's inserts (which keep their synchronous commits). That is safe
 * here: a batch only repeats idempotent work, and WAL is flushed in order, so a crash can lose
 * only the last batches — position included — and the next run redoes them.
 */
export async function inBatchTransaction<T>(work: (db: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool().connect();
  // A connection dropped while checked out emits "error" on the client; unheard, that would be
  // an uncaught exception. The failing query rejects too, which is what the caller sees.
  const onConnectionError = (error: Error) => logger.warn({ err: error }, "retention.connection_lost");
  client.on("error", onConnectionError);
  let broken: Error | undefined;
  try {
    await client.query("BEGIN; SET LOCAL synchronous_commit = off");
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
