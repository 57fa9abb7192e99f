import pg from "pg";

/** A small pool onto a test database, for assertions and fault injection. */
export function testPool(url: string): pg.Pool {
  const p = new pg.Pool({ connectionString: url, max: 3 });
  p.on("error", () => undefined);
  return p;
}

export async function eventRow(db: pg.Pool, eventId: string): Promise<Record<string, unknown> | undefined> {
  const result = await db.query("SELECT * FROM event WHERE event_id = $1", [eventId]);
  return result.rows[0];
}

/** Waits until the event reaches a final status and returns its row. */
export async function finalEventRow(db: pg.Pool, eventId: string): Promise<Record<string, unknown> | undefined> {
  const row = await eventRow(db, eventId);
  return row && (row.status === "PROCESSED" || row.status === "DEAD_LETTERED") ? row : undefined;
}
