import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testPool } from "../../helpers/db-client";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";
import { waitFor } from "../../helpers/wait-for";
import { quietLogger } from "../executor/harness";
import { daysAgo, insertEvents, insertReadings, PRECISE } from "./seed";

// The apply-retention cron function as the app runs it in embedded mode: the real Inngest client
// and serve() handler, driven by the embedded executor, which fires the cron tick (its clock is
// moved to the tick instead of waiting up to 15 minutes) and runs every step.
let database: TestDatabase;
let db: pg.Pool;
let dataDir: string;

const FN_ID = "smartcar-monitor-apply-retention";

beforeAll(async () => {
  database = await createTestDatabase("retention_fn");
  db = testPool(database.url);
  dataDir = mkdtempSync(path.join(os.tmpdir(), "retention-fn-"));
  // Read by the app's configuration on first use: the executor's signing key goes to dataDir.
  process.env.DATABASE_URL = database.url;
  process.env.DATA_DIR = dataDir;
});

afterAll(async () => {
  const { closePool } = await import("@/lib/db/pool");
  await closePool();
  await db?.end();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("apply-retention", () => {
  it("is registered with the app, runs on its 15-minute cron tick under the embedded executor and applies retention", async () => {
    await insertEvents(db, [
      { eventId: "processed-40d", status: "PROCESSED", receivedAt: daysAgo(40) },
      { eventId: "dead-40d", status: "DEAD_LETTERED", receivedAt: daysAgo(40) },
      { eventId: "processed-1d", status: "PROCESSED", receivedAt: daysAgo(1) },
    ]);
    await insertReadings(db, "veh-fn", "location-preciselocation", [{ at: daysAgo(8), body: PRECISE }, { at: daysAgo(1), body: PRECISE }]);

    const { inngest } = await import("@/inngest/client");
    const { functions } = await import("@/inngest/functions");
    const { startEmbeddedExecutor } = await import("@/inngest/embedded/executor");
    const { pool } = await import("@/lib/db/pool");
    // The instance the app registers, alone: the test owns every cron tick it sees.
    const registered = functions.filter((fn) => fn.id() === "apply-retention");
    expect(registered).toHaveLength(1);
    let clock = new Date();
    const executor = await startEmbeddedExecutor({ client: inngest, functions: registered, pool: pool(), logger: quietLogger, now: () => clock, cronIntervalMs: 20 });
    try {
      const schedule = await db.query<{ cron: string; next_run_at: Date }>("SELECT cron, next_run_at FROM executor_cron WHERE fn_id = $1", [FN_ID]);
      const tick = schedule.rows[0];
      expect(tick?.cron).toBe("*/15 * * * *");
      expect(tick?.next_run_at.getUTCMinutes()).toSatisfy((m: number) => m % 15 === 0);
      clock = new Date((tick?.next_run_at.getTime() ?? 0) + 1_000);

      const run = await waitFor(
        async () => {
          const runs = await db.query<{ status: string; steps: { id: string }[] }>("SELECT status, steps FROM executor_run WHERE fn_id = $1", [FN_ID]);
          const first = runs.rows[0];
          return first && (first.status === "DONE" || first.status === "FAILED") ? first : undefined;
        },
        { what: "the retention run to finish" },
      );
      expect(run.status).toBe("DONE");
      // Every task ran as its own memoised step.
      expect(run.steps).toHaveLength(9);
    } finally {
      await executor.stop();
    }

    const events = await db.query("SELECT event_id, raw_body IS NULL AS purged FROM event ORDER BY event_id");
    expect(events.rows).toEqual([
      { event_id: "dead-40d", purged: false },
      { event_id: "processed-1d", purged: false },
      { event_id: "processed-40d", purged: true },
    ]);
    const history = await db.query("SELECT body->>'latitude' AS latitude FROM signal_reading ORDER BY at");
    expect(history.rows.map((r) => r.latitude)).toEqual(["48.14", "48.13743"]);
  });
});
