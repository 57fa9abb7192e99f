import type { ClientBase } from "pg";
import { z } from "zod";
import { pool } from "@/lib/db/pool";
import type { WalkState } from "@/lib/retention/policy";

// Retention's positions, kept in maintenance_state under `retention.<name>` so a run picks up
// where the last one stopped instead of re-reading rows it already handled. A value that does
// not parse (an older format, a hand edit) counts as absent: that walk starts over, which only
// repeats work.

const date = z.iso.datetime().transform((v) => new Date(v));

const walkStateSchema = z.object({
  from: date.nullable(),
  to: date,
  position: z.object({ at: date, id: z.string() }).nullable(),
  done: z.boolean(),
  fullPassStartedAt: date,
});

const cursorSchema = z.object({ after: z.string() });

export type WalkName = "payloads" | "event-locations" | "reading-locations";
export type CursorName = "latest-locations";

async function load(name: string): Promise<unknown> {
  const result = await pool().query<{ value: unknown }>({
    name: "retention-load-state",
    text: "SELECT value FROM maintenance_state WHERE key = $1",
    values: [`retention.${name}`],
  });
  return result.rows[0]?.value;
}

async function save(db: ClientBase, name: string, value: unknown): Promise<void> {
  await db.query({
    name: "retention-save-state",
    text: `INSERT INTO maintenance_state (key, value, updated_at) VALUES ($1, $2::jsonb, now())
           ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()`,
    values: [`retention.${name}`, JSON.stringify(value)],
  });
}

export async function loadWalk(walk: WalkName): Promise<WalkState | null> {
  const parsed = walkStateSchema.safeParse(await load(walk));
  return parsed.success ? parsed.data : null;
}

/** Saved in the batch's own transaction, so the position never runs ahead of the work. */
export async function saveWalk(db: ClientBase, walk: WalkName, state: WalkState): Promise<void> {
  await save(db, walk, state);
}

/** The id after which a cyclic sweep goes on; "" = from the first. */
export async function loadCursor(cursor: CursorName): Promise<string> {
  const parsed = cursorSchema.safeParse(await load(cursor));
  return parsed.success ? parsed.data.after : "";
}

export async function saveCursor(db: ClientBase, cursor: CursorName, after: string): Promise<void> {
  await save(db, cursor, { after });
}
