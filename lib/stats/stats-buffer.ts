import { hourOf, type MetricName } from "@/lib/stats/metric-names";
import type { StatIncrement } from "@/lib/stats/upsert-stats";

// In-process aggregation of hot-path counters. An UPSERT per request on one hot row (this hour's
// "received") would serialise every concurrent delivery on that row's lock; instead increments
// add up in memory and reach the database as ONE multi-row upsert every few seconds.

export interface StatsBufferOptions {
  write(rows: StatIncrement[]): Promise<void>;
  onWriteError(error: unknown, keptRows: number): void;
  /** Distinct (hour, metric, dimension) keys held while the database is unreachable. */
  maxKeys?: number;
}

export interface StatsBuffer {
  add(metric: MetricName, dimension: string, value?: number, at?: number): void;
  /** Writes everything added so far; resolves once written (or put back after a failure). */
  flush(): Promise<void>;
  /** Keys waiting for the next flush. */
  pendingKeys(): number;
}

const SEPARATOR = "\u0000";

export function createStatsBuffer({ write, onWriteError, maxKeys = 10_000 }: StatsBufferOptions): StatsBuffer {
  let pending = new Map<string, StatIncrement>();
  // Flushes run one at a time so a slow write cannot overtake the one before it.
  let chain: Promise<void> = Promise.resolve();

  function merge(row: StatIncrement): void {
    const key = `${row.hour.getTime()}${SEPARATOR}${row.metric}${SEPARATOR}${row.dimension}`;
    const held = pending.get(key);
    if (held) held.value += row.value;
    // Past the cap (a long outage) new keys are dropped: counters are worth less than memory.
    else if (pending.size < maxKeys) pending.set(key, { ...row });
  }

  async function writePending(): Promise<void> {
    if (pending.size === 0) return;
    const rows = [...pending.values()];
    pending = new Map();
    try {
      await write(rows);
    } catch (error) {
      // Put the counts back so the next flush retries them.
      for (const row of rows) merge(row);
      onWriteError(error, pending.size);
    }
  }

  return {
    add(metric, dimension, value = 1, at = Date.now()) {
      merge({ hour: hourOf(at), metric, dimension, value });
    },
    flush() {
      chain = chain.then(writePending);
      return chain;
    },
    pendingKeys: () => pending.size,
  };
}
