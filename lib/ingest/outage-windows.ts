import type pg from "pg";

// outage_window: one row per span during which this instance could not store deliveries in the
// database (its circuit breaker was open). Alerts read it: "refused" means deliveries were
// answered 503 and Smartcar may have dropped some once its retries ran out.

export interface OutageCounts {
  /** Deliveries answered 503 during the window. */
  refused: number;
  /** Verified deliveries kept in the local spool during the window. */
  spooled: number;
}

export interface ClosedOutage extends OutageCounts {
  startedAt: Date;
  endedAt: Date;
  /** hostname:pid of the process whose breaker opened. */
  instance: string;
  /** Whether that process had a spool, i.e. how it would have answered a delivery. */
  spoolEnabled: boolean;
}

export type OutageMode = "spooled" | "refused";

/**
 * "refused" as soon as one delivery was refused (possible data loss); "spooled" when deliveries
 * were only spooled. A window that saw no delivery at all takes the mode the receiver was in.
 */
export function outageMode(window: OutageCounts & { spoolEnabled: boolean }): OutageMode {
  if (window.refused > 0) return "refused";
  if (window.spooled > 0) return "spooled";
  return window.spoolEnabled ? "spooled" : "refused";
}

// A window is recorded from a marker file that is rewritten only after the insert: a crash in
// between records it again at the next start, so an existing row (same instance and start) is
// reused instead of counted twice.
const INSERT_SQL = `
WITH existing AS (
  SELECT id FROM outage_window WHERE started_at = $1 AND instance = $6 LIMIT 1
), inserted AS (
  INSERT INTO outage_window (started_at, ended_at, mode, refused, spooled, instance)
  SELECT $1, $2, $3, $4, $5, $6 WHERE NOT EXISTS (SELECT 1 FROM existing)
  RETURNING id
)
SELECT id FROM inserted UNION ALL SELECT id FROM existing`;

export async function insertOutageWindow(db: pg.Pool, window: ClosedOutage): Promise<string> {
  const result = await db.query<{ id: string }>(INSERT_SQL, [window.startedAt, window.endedAt, outageMode(window), window.refused, window.spooled, window.instance]);
  const id = result.rows[0]?.id;
  if (id === undefined) throw new Error("inserting an outage window returned no id");
  return id;
}

/** Adds spooled deliveries stored by the replay that followed the window. */
export async function addReplayed(db: pg.Pool, id: string, replayed: number): Promise<void> {
  await db.query("UPDATE outage_window SET replayed = replayed + $2 WHERE id = $1", [id, replayed]);
}
