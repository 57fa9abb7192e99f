import { randomUUID } from "node:crypto";
import { InngestTestEngine } from "@inngest/test";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testPool } from "../../helpers/db-client";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";

// The redrive-events function under @inngest/test, against a real database: a job larger than
// one batch is worked through in several memoised steps, and running it again changes nothing.
// (End to end through the executor: redrive.test.ts.)
let database: TestDatabase;
let db: pg.Pool;

const DEAD = 1_203;

beforeAll(async () => {
  database = await createTestDatabase("dash_redrive_fn");
  db = testPool(database.url);
  process.env.DATABASE_URL = database.url;
});

afterAll(async () => {
  const { closePool } = await import("@/lib/db/pool");
  await closePool();
  await db?.end();
  await database?.drop();
});

async function createJob(eventIds: string[]): Promise<string> {
  const jobId = randomUUID();
  await db.query("INSERT INTO redrive_job (job_id, created_by, filter, event_ids, total) VALUES ($1, 'test', '{}', $2, $3)", [jobId, eventIds, eventIds.length]);
  return jobId;
}

describe("redrive-events", () => {
  it("re-drives a job in batches, skipping events that are no longer dead-lettered", async () => {
    const { redriveEvents } = await import("@/inngest/functions/redrive-events");
    const { REDRIVE_BATCH_SIZE } = await import("@/lib/redrive/run-job");
    expect(DEAD).toBeGreaterThan(2 * REDRIVE_BATCH_SIZE);
    await db.query(
      `INSERT INTO event (event_id, event_type, vehicle_id, raw_body, body_bytes, status, error_reason)
       SELECT 'dead-' || i, 'VEHICLE_STATE', 'veh-' || (i % 7), '{}', 2, 'DEAD_LETTERED', 'PROCESSING_FAILED' FROM generate_series(1, $1::int) i`,
      [DEAD],
    );
    // Re-driven by hand after the job was created, and processed since: both are left alone.
    await db.query(`INSERT INTO event (event_id, event_type, raw_body, body_bytes, status) VALUES ('meanwhile-pending', 'VEHICLE_STATE', '{}', 2, 'PENDING'), ('meanwhile-done', 'VEHICLE_STATE', '{}', 2, 'PROCESSED')`);
    const ids = [...Array.from({ length: DEAD }, (_, i) => `dead-${i + 1}`), "meanwhile-pending", "meanwhile-done"];
    const jobId = await createJob(ids);

    const engine = new InngestTestEngine({ function: redriveEvents, events: [{ name: "smartcar/redrive.requested", data: { jobId } }] });
    const run = await engine.execute();
    expect(run.result).toEqual({ jobId, redriven: DEAD });

    const job = await db.query("SELECT state, total, dispatched, finished_at FROM redrive_job WHERE job_id = $1", [jobId]);
    expect(job.rows[0]).toMatchObject({ state: "DONE", total: DEAD + 2, dispatched: DEAD, finished_at: expect.any(Date) });
    const statuses = await db.query<{ status: string; redrives: number; n: number }>(
      "SELECT status, redrives, count(*)::int AS n FROM event GROUP BY status, redrives ORDER BY status, redrives",
    );
    expect(statuses.rows).toEqual([
      { status: "PENDING", redrives: 0, n: 1 },
      { status: "PENDING", redrives: 1, n: DEAD },
      { status: "PROCESSED", redrives: 0, n: 1 },
    ]);

    // A second delivery of the same request (a new run: Inngest is at-least-once) finds the job finished.
    const again = await new InngestTestEngine({ function: redriveEvents, events: [{ name: "smartcar/redrive.requested", data: { jobId } }] }).execute();
    expect(again.result).toEqual({ jobId, redriven: 0 });
    const redrives = await db.query<{ n: number }>("SELECT sum(redrives)::int AS n FROM event");
    expect(redrives.rows[0]?.n).toBe(DEAD);
  });

  it("does nothing for a job that does not exist", async () => {
    const { redriveEvents } = await import("@/inngest/functions/redrive-events");
    const jobId = randomUUID();
    const engine = new InngestTestEngine({ function: redriveEvents, events: [{ name: "smartcar/redrive.requested", data: { jobId } }] });
    expect((await engine.execute()).result).toEqual({ jobId, redriven: 0 });
  });
});
