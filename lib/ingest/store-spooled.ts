import type pg from "pg";
import { storeDelivery, type StoredDelivery } from "@/lib/ingest/store-event";
import type { SpooledDelivery } from "@/lib/spool/entry";

export type SpooledResult = { entry: SpooledDelivery; kind: "stored"; stored: StoredDelivery } | { entry: SpooledDelivery; kind: "already-stored" };

// A replay can be interrupted between the commit and the removal of its segment (a crash, the
// database dropping the connection after COMMIT), so the same entry may be handed over twice.
// Its delivery row is recognised by eventId + original receipt time + Smartcar's deliveryId:
// two HTTP attempts never share all three, so a second copy is skipped instead of counted.
const ALREADY_STORED_SQL = `
SELECT 1 FROM delivery
WHERE event_id = $1 AND received_at = $2 AND delivery_id IS NOT DISTINCT FROM $3
LIMIT 1`;

/**
 * Stores spooled deliveries exactly as the receiver would have (same statement, original
 * receivedAt) in one transaction: all of the batch or none of it.
 */
export async function storeSpooledBatch(pool: pg.Pool, batch: readonly SpooledDelivery[]): Promise<SpooledResult[]> {
  const client = await pool.connect();
  // A connection dropped while checked out emits "error" on the client; unheard, that would be
  // an uncaught exception. The failing query rejects too, and that is what the replay sees.
  const onConnectionError = (): void => undefined;
  client.on("error", onConnectionError);
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const results: SpooledResult[] = [];
    for (const entry of batch) {
      const existing = await client.query({ name: "spooled-delivery-exists", text: ALREADY_STORED_SQL, values: [entry.eventId, entry.receivedAt, entry.deliveryId] });
      if ((existing.rowCount ?? 0) > 0) results.push({ entry, kind: "already-stored" });
      else results.push({ entry, kind: "stored", stored: await storeDelivery(client, entry) });
    }
    await client.query("COMMIT");
    return results;
  } catch (error) {
    await client.query("ROLLBACK").catch((rollbackError: unknown) => {
      // The connection is gone: it must not go back to the pool.
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    client.off("error", onConnectionError);
    client.release(broken);
  }
}
