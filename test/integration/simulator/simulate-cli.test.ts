import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulationReport } from "@/lib/simulator/report";
import type { Summary } from "@/lib/simulator/tally";
import { startApp, TEST_TOKEN, type RunningApp } from "../../helpers/app";
import { testPool } from "../../helpers/db-client";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";
import { waitFor } from "../../helpers/wait-for";

// `npm run simulate` against the real product (npm start → next start + embedded executor) on a
// fresh database: the simulator's own account of what it sent must match what the app stored.
let database: TestDatabase;
let app: RunningApp;
let db: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  db = testPool(database.url);
  app = await startApp({ databaseUrl: database.url });
});

afterAll(async () => {
  await app?.stop();
  await db?.end();
  await database?.drop();
});

function simulate(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
  // Only what the CLI needs: the receiver's token; no DATA_DIR, so no demo token can leak in.
  const env: NodeJS.ProcessEnv = { NODE_ENV: "test", PATH: process.env.PATH, HOME: process.env.HOME, SMARTCAR_MANAGEMENT_TOKEN: TEST_TOKEN };
  const child = spawn(tsx, ["scripts/simulate.ts", ...args], { cwd: process.cwd(), env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
}

async function countRows(sql: string): Promise<number> {
  const result = await db.query<{ n: string }>(sql);
  return Number(result.rows[0]?.n ?? Number.NaN);
}

describe("npm run simulate -- --scenario mixed against the app", () => {
  it("gets the expected answer for every delivery, and the database holds exactly what it reports", { timeout: 120_000 }, async () => {
    const args = ["--url", `${app.url}/api/webhooks/smartcar`, "--scenario", "mixed", "--vehicles", "10", "--seed", "integration", "--run-id", "first", "--retry-delays", "0.02,0.04,0.08", "--json"];
    const reportDir = mkdtempSync(path.join(os.tmpdir(), "simulate-report-"));
    const reportFile = path.join(reportDir, "report.json");
    const run = await simulate([...args, "--count", "200", "--report", reportFile]);
    expect(run.stderr).toBe("");
    const summary = JSON.parse(run.stdout) as Summary;
    const report = JSON.parse(readFileSync(reportFile, "utf8")) as SimulationReport;
    rmSync(reportDir, { recursive: true, force: true });
    expect(report.summary).toEqual(summary);
    // The report names exactly the events the receiver stored.
    const storedIds = await db.query<{ event_id: string }>("SELECT event_id FROM event");
    expect(report.acknowledged.map((a) => a.eventId).sort()).toEqual(storedIds.rows.map((r) => r.event_id).sort());
    expect(summary.unexpectedSamples).toEqual([]);
    expect(run.code).toBe(0);
    expect(summary.messages).toBe(200);

    // A bit of each kind of trouble really went over the wire.
    expect(Object.keys(summary.rejected).sort()).toEqual(expect.arrayContaining(["BODY_TOO_LARGE", "SIGNATURE_MISMATCH"]));
    expect(Object.keys(summary.rejected).some((code) => code === "INVALID_JSON" || code === "INVALID_SCHEMA")).toBe(true);
    expect(summary.challenges).toBeGreaterThan(0);
    expect(summary.duplicates).toBeGreaterThan(0);
    expect(summary.kinds).toMatchObject({ VEHICLE_STATE: expect.any(Number), VEHICLE_ERROR: expect.any(Number), VERIFY: expect.any(Number), TEST: expect.any(Number) });

    expect(await countRows("SELECT count(*) AS n FROM event")).toBe(summary.stored.events);
    expect(await countRows("SELECT count(*) AS n FROM delivery")).toBe(summary.stored.deliveries);
    expect(await countRows("SELECT count(*) AS n FROM delivery WHERE duplicate")).toBe(summary.duplicates);
    const rejections = await db.query<{ reason: string; n: string }>("SELECT reason, count(*) AS n FROM rejected_delivery GROUP BY reason");
    expect(Object.fromEntries(rejections.rows.map((r) => [r.reason, Number(r.n)]))).toEqual(summary.rejected);
    expect(await countRows("SELECT count(*) AS n FROM event WHERE mode = 'TEST'")).toBe(summary.kinds.TEST);
    expect(await countRows("SELECT count(*) AS n FROM event WHERE event_type = 'VEHICLE_ERROR'")).toBe(summary.kinds.VEHICLE_ERROR);

    // Every accepted event is worked off by the queue.
    const pending = await waitFor(
      async () => {
        const n = await countRows("SELECT count(*) AS n FROM event WHERE status NOT IN ('PROCESSED', 'DEAD_LETTERED')");
        return n === 0 ? n : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: "every simulated event to be processed" },
    );
    expect(pending).toBe(0);
    expect(await countRows("SELECT count(*) AS n FROM event WHERE outcome = 'TEST_NOT_APPLIED'")).toBe(summary.kinds.TEST);
    expect(await countRows("SELECT count(DISTINCT vehicle_id) AS n FROM vehicle")).toBe(10);

    // Replaying the same seed and run id sends the same events: nothing new is stored.
    const replay = await simulate([...args, "--count", "40"]);
    const replayed = JSON.parse(replay.stdout) as Summary;
    expect(replay.code).toBe(0);
    expect(replayed.accepted).toBe(0);
    expect(replayed.duplicates).toBeGreaterThan(30);
    expect(await countRows("SELECT count(*) AS n FROM event")).toBe(summary.stored.events);
  });
});
