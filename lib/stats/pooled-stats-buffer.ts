import { pool } from "@/lib/db/pool";
import { logger } from "@/lib/observability/logger";
import { createStatsBuffer, type StatsBuffer } from "@/lib/stats/stats-buffer";
import { upsertStats } from "@/lib/stats/upsert-stats";

/**
 * A stats buffer that writes through the app's pool. A failed write keeps its counts, which ride
 * along with the next flush.
 */
export function pooledStatsBuffer(): StatsBuffer {
  return createStatsBuffer({
    write: (rows) => upsertStats(pool(), rows),
    onWriteError: (err, keptRows) => logger.warn({ err, keptRows }, "stats.flush_failed"),
  });
}
