import { after } from "next/server";
import type { ReceiveOutcome } from "@/lib/ingest/receive";
import { bucketFor, dimension, METRIC, RECEIVE_MS_BOUNDS } from "@/lib/stats/metric-names";
import { pooledStatsBuffer } from "@/lib/stats/pooled-stats-buffer";
import type { StatsBuffer } from "@/lib/stats/stats-buffer";

// The receiver's rollups (metric names: lib/stats/metric-names.ts). The hot path only adds to an
// in-memory map; the first receipt after a flush schedules the next one FLUSH_INTERVAL_MS later
// and hands that promise to after(): Next awaits pending after() work before a graceful shutdown
// exits, and a serverless host keeps the instance alive for it (waitUntil), so counts are lost
// only when the process is killed outright — at most one interval of them, never an event.

const FLUSH_INTERVAL_MS = 2_000;

interface ReceiverStats {
  buffer: StatsBuffer;
  scheduled: Promise<void> | null;
}

// On globalThis: Next may load this module in several bundles, and each copy would flush alone.
const globalForStats = globalThis as unknown as { smartcarReceiverStats?: ReceiverStats };

function receiverStats(): ReceiverStats {
  globalForStats.smartcarReceiverStats ??= {
    buffer: pooledStatsBuffer(),
    scheduled: null,
  };
  return globalForStats.smartcarReceiverStats;
}

/**
 * Counts one receiver answer: what became of it and, for acknowledged deliveries, how long it
 * took. Call it from the webhook route handler: it schedules its flush with after().
 */
export function recordReceipt(outcome: ReceiveOutcome, durationMs: number): void {
  const stats = receiverStats();
  count(stats.buffer, outcome, durationMs);
  if (stats.scheduled) return;
  stats.scheduled = new Promise<void>((resolve) => setTimeout(resolve, FLUSH_INTERVAL_MS)).then(() => {
    // Cleared first: receipts that arrive during the write schedule the next flush.
    stats.scheduled = null;
    return stats.buffer.flush();
  });
  after(stats.scheduled);
}

function count(buffer: StatsBuffer, outcome: ReceiveOutcome, durationMs: number): void {
  switch (outcome.kind) {
    case "stored":
      buffer.add(outcome.duplicate ? METRIC.duplicates : METRIC.received, dimension(outcome.eventType));
      buffer.add(METRIC.receiveMsBucket, bucketFor(durationMs, RECEIVE_MS_BOUNDS));
      buffer.add(METRIC.receiveMsSum, "", durationMs);
      return;
    case "spooled":
      // Acknowledged now, so its answer time counts now; received/duplicates are counted by the
      // replay, which is when the database says which of the two it is (recordReplayed).
      buffer.add(METRIC.receiveMsBucket, bucketFor(durationMs, RECEIVE_MS_BOUNDS));
      buffer.add(METRIC.receiveMsSum, "", durationMs);
      return;
    case "rejected":
      buffer.add(METRIC.rejected, outcome.reason);
      return;
    case "unavailable":
      buffer.add(METRIC.rejected, "STORAGE_UNAVAILABLE");
      return;
    case "challenge":
      return;
  }
}

/** Counts a spooled delivery once a replay stored it, in the hour it was originally received. */
export function recordReplayed(delivery: { eventType: string; receivedAt: Date }, duplicate: boolean): void {
  receiverStats().buffer.add(duplicate ? METRIC.duplicates : METRIC.received, dimension(delivery.eventType), 1, delivery.receivedAt.getTime());
}

/** Writes the counts held in memory now (replay batches, graceful shutdown). */
export function flushReceiverStats(): Promise<void> {
  return receiverStats().buffer.flush();
}
