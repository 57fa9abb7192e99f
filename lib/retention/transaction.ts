import type pg from "pg";
import { withTransaction } from "@/lib/db/transaction";

/**
 * One retention batch = one short transaction: its statements and the saved position commit
 * together. It commits without waiting for the WAL flush, so a backlog of batches does not queue
 * fsyncs in front of the receiver's inserts (which keep their synchronous commits). That is safe
 * here: a batch only repeats idempotent work, and WAL is flushed in order, so a crash can lose
 * only the last batches — position included — and the next run redoes them.
 */
export function inBatchTransaction<T>(work: (db: pg.PoolClient) => Promise<T>): Promise<T> {
  return withTransaction(work, { begin: "BEGIN; SET LOCAL synchronous_commit = off", label: "retention" });
}
