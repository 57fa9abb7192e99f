import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { enqueueRuns } from "@/inngest/embedded/enqueue";
import { startEmbeddedExecutor, type EmbeddedExecutor, type EmbeddedExecutorOptions } from "@/inngest/embedded/executor";
import { waitFor } from "@/test/helpers/wait-for";
import { client, fnId, functions, record, silent } from "./app";
import { createExecutorDatabase, quietLogger, runs, settledRuns, type ExecutorDatabase } from "./harness";

describe("embedded executor", () => {
  let db: ExecutorDatabase;
  const executors: EmbeddedExecutor[] = [];

  const start = async (options: Partial<EmbeddedExecutorOptions> = {}) => {
    const executor = await startEmbeddedExecutor({
      client,
      functions,
      pool: db.pool,
      logger: quietLogger,
      pollIntervalMs: 20,
      backoffBaseMs: 20,
      ...options,
    });
    executors.push(executor);
    return executor;
  };

  beforeAll(async () => {
    db = await createExecutorDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });
  beforeEach(() => {
    record.reset();
  });
  afterEach(async () => {
    await Promise.all(executors.splice(0).map((e) => e.stop()));
    await db.pool.query("TRUNCATE executor_run, executor_cron");
  });

  it("completes a queued run with one call", async () => {
    await start();
    expect(await enqueueRuns(db.pool, [{ id: "evt-1", name: "test/no-step", data: { n: 1 } }])).toBe(1);
    const [run] = await settledRuns(db.pool, fnId("no-step"), 1);
    expect(run).toMatchObject({ status: "DONE", attempt: 0, event_key: `${fnId("no-step")}:evt-1`, lease_until: null });
    expect(run?.event).toMatchObject({ id: "evt-1", name: "test/no-step", data: { n: 1 } });
    expect(record.noStep).toEqual([{ n: 1 }]);
  });

  it("creates one run for an event id enqueued twice", async () => {
    await start();
    const event = { id: "evt-dup", name: "test/no-step", data: { n: 2 } };
    expect(await enqueueRuns(db.pool, [event, event])).toBe(1);
    expect(await enqueueRuns(db.pool, [event])).toBe(0);
    await settledRuns(db.pool, fnId("no-step"), 1);
    expect(await runs(db.pool)).toHaveLength(1);
    expect(record.noStep).toEqual([{ n: 2 }]);
  });

  it("queues nothing for an event no function listens to", async () => {
    await start();
    expect(await enqueueRuns(db.pool, [{ id: "evt-none", name: "test/nobody", data: {} }])).toBe(0);
  });

  it("retries a failing function with backoff until it succeeds", async () => {
    await start({ backoffBaseMs: 60 });
    const started = Date.now();
    await enqueueRuns(db.pool, [{ id: "evt-flaky", name: "test/flaky", data: { failTimes: 2 } }]);
    const [run] = await settledRuns(db.pool, fnId("flaky"), 1);
    expect(run).toMatchObject({ status: "DONE", attempt: 2, max_attempts: 4, last_error: null });
    expect(record.flakyAttempts).toEqual([0, 1, 2]);
    // Two retries wait at least half of 60 ms and half of 120 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it("fails a run after its last attempt and calls onFailure once with the original event", async () => {
    await start();
    await enqueueRuns(db.pool, [{ id: "evt-doomed", name: "test/doomed", data: { vehicleId: "v1" }, ts: 1_700_000_000_000 }]);
    const [run] = await settledRuns(db.pool, fnId("doomed"), 1);
    expect(run).toMatchObject({ status: "FAILED", attempt: 2, max_attempts: 3 });
    expect(run?.last_error).toContain("doomed attempt 2");
    expect(record.doomedAttempts).toEqual([0, 1, 2]);

    const [failureRun] = await settledRuns(db.pool, fnId("doomed-failure"), 1);
    expect(failureRun).toMatchObject({ status: "DONE", event_key: `${fnId("doomed-failure")}:${run?.run_id}` });
    expect(record.failures).toEqual([
      {
        functionId: fnId("doomed"),
        original: { id: "evt-doomed", name: "test/doomed", data: { vehicleId: "v1" }, ts: 1_700_000_000_000 },
        message: "doomed attempt 2",
      },
    ]);
  });

  it("memoises steps so each step body runs once, parallel steps included", async () => {
    await start();
    await enqueueRuns(db.pool, [{ id: "evt-steps", name: "test/multi-step", data: {} }]);
    const [run] = await settledRuns(db.pool, fnId("multi-step"), 1);
    expect(run?.status).toBe("DONE");
    expect(record.steps).toEqual({ a: 1, b: 1, c: 1, d: 1 });
    expect(run?.steps).toHaveLength(4);
  });

  it("retries only the failing step and keeps the ones before it", async () => {
    await start();
    await enqueueRuns(db.pool, [{ id: "evt-steps-retry", name: "test/multi-step", data: { failBOnce: true } }]);
    const [run] = await settledRuns(db.pool, fnId("multi-step"), 1);
    expect(run?.status).toBe("DONE");
    expect(record.steps).toEqual({ a: 1, b: 2, c: 1, d: 1 });
  });

  it("never overlaps two runs of one concurrency key, while different keys run in parallel", async () => {
    await start({ concurrency: 8 });
    const events = ["A", "B"].flatMap((key) =>
      Array.from({ length: 5 }, (_, i) => ({ id: `evt-${key}-${i}`, name: "test/keyed", data: { key, first: i === 0 } })),
    );
    await enqueueRuns(db.pool, events);
    const done = await settledRuns(db.pool, fnId("keyed"), 10);
    expect(done.every((r) => r.status === "DONE")).toBe(true);
    expect(new Set(done.map((r) => r.concurrency_key))).toEqual(new Set([`${fnId("keyed")}:A`, `${fnId("keyed")}:B`]));
    expect(record.keyed.maxActive).toEqual(new Map([["A", 1], ["B", 1]]));
    expect(record.keyed.maxTotal).toBeGreaterThanOrEqual(2);
  });

  it("puts no limit on a run whose concurrency key is null", async () => {
    await start();
    await enqueueRuns(db.pool, [{ id: "evt-nokey", name: "test/keyed", data: { key: null } }]);
    const [run] = await settledRuns(db.pool, fnId("keyed"), 1);
    expect(run).toMatchObject({ status: "DONE", concurrency_key: null });
  });

  it("keeps the concurrency limit across two executors sharing the database", async () => {
    await start({ concurrency: 4 });
    await start({ concurrency: 4, pool: db.newPool() });
    const events = ["A", "B"].flatMap((key) =>
      Array.from({ length: 8 }, (_, i) => ({ id: `evt-2x-${key}-${i}`, name: "test/keyed", data: { key, first: i === 0 } })),
    );
    await enqueueRuns(db.pool, events);
    await settledRuns(db.pool, fnId("keyed"), 16);
    expect(record.keyed.maxActive).toEqual(new Map([["A", 1], ["B", 1]]));
  });

  it("picks up a run whose lease expired, counting the dead attempt", async () => {
    await db.pool.query(
      `INSERT INTO executor_run (run_id, event_key, fn_id, event, status, attempt, max_attempts, steps, lease_until)
       VALUES (gen_random_uuid(), 'orphan', $1, '{"id":"orphan","name":"test/no-step","data":{"n":3}}', 'RUNNING', 0, 4, '[]', now() - interval '1 minute'),
              (gen_random_uuid(), 'orphan-last', $2, '{"id":"orphan-last","name":"test/doomed","data":{}}', 'RUNNING', 2, 3, '[]', now() - interval '1 minute')`,
      [fnId("no-step"), fnId("doomed")],
    );
    await start();
    const [revived] = await settledRuns(db.pool, fnId("no-step"), 1);
    expect(revived).toMatchObject({ status: "DONE", attempt: 1 });
    expect(record.noStep).toEqual([{ n: 3 }]);

    // A crash on the last attempt fails the run and still reports it to onFailure.
    const [lost] = await settledRuns(db.pool, fnId("doomed"), 1);
    expect(lost).toMatchObject({ status: "FAILED", attempt: 2 });
    await settledRuns(db.pool, fnId("doomed-failure"), 1);
    expect(record.doomedAttempts).toEqual([]);
    expect(record.failures).toHaveLength(1);
    expect(record.failures[0]?.message).toContain("Lease expired during attempt 3");
  });

  it("takes back at start the runs of owners named dead, however long their leases still run", async () => {
    await db.pool.query(
      `INSERT INTO executor_run (run_id, event_key, fn_id, event, status, attempt, max_attempts, steps, lease_until, lease_owner)
       VALUES (gen_random_uuid(), 'of-dead', $1, '{"id":"of-dead","name":"test/no-step","data":{"n":7}}', 'RUNNING', 0, 4, '[]', now() + interval '1 hour', 'worker-1-dead'),
              (gen_random_uuid(), 'of-live', $1, '{"id":"of-live","name":"test/no-step","data":{"n":8}}', 'RUNNING', 0, 4, '[]', now() + interval '1 hour', 'worker-2-alive')`,
      [fnId("no-step")],
    );
    const warnings: { obj: object; msg: string }[] = [];
    const logger = { ...quietLogger, warn: (obj: object, msg: string) => void warnings.push({ obj, msg }) };
    await start({ owner: "worker-1-next", deadOwners: ["worker-1-dead"], logger });
    const revived = await waitFor(
      async () => {
        const [row] = await runs(db.pool, "event_key = 'of-dead'");
        return row?.status === "DONE" ? row : undefined;
      },
      { what: "the dead owner's run to be done" },
    );
    expect(revived).toMatchObject({ attempt: 1, lease_owner: "worker-1-next" });
    expect(warnings).toContainEqual({ msg: "executor.leases.reclaimed_from_dead_process", obj: { requeued: 1, failed: 0, deadOwners: ["worker-1-dead"] } });
    expect(record.noStep).toEqual([{ n: 7 }]);
    // A live process's run is not touched: its lease stands.
    const [live] = await runs(db.pool, "event_key = 'of-live'");
    expect(live).toMatchObject({ status: "RUNNING", attempt: 0, lease_owner: "worker-2-alive" });
  });

  it("hands its runs back on stop, and another executor finishes them", async () => {
    const first = await start({ stopTimeoutMs: 50 });
    await enqueueRuns(db.pool, [{ id: "evt-block", name: "test/block", data: {} }]);
    await waitFor(() => (record.blockerStarted === 1 ? true : undefined), { what: "the blocker to start", intervalMs: 10 });
    expect((await runs(db.pool))[0]).toMatchObject({ status: "RUNNING" });

    await first.stop();
    const [released] = await runs(db.pool);
    expect(released).toMatchObject({ status: "QUEUED", attempt: 0, lease_until: null });

    // The stopped executor's call now returns; its late result must not count.
    record.blocker.resolve();
    await start();
    const [run] = await settledRuns(db.pool, fnId("blocker"), 1);
    expect(run?.status).toBe("DONE");
    expect(record.blockerStarted).toBe(2);
  });

  it("sleeps a run in the queue, not in memory", async () => {
    await start();
    const started = Date.now();
    await enqueueRuns(db.pool, [{ id: "evt-sleep", name: "test/sleep", data: {} }]);
    const asleep = await waitFor(
      async () => {
        const [row] = await runs(db.pool, "fn_id = $1", [fnId("sleeper")]);
        return row?.status === "QUEUED" && Array.isArray(row.steps) && row.steps.length === 1 ? row : undefined;
      },
      { what: "the run to go to sleep", intervalMs: 10 },
    );
    expect(asleep.run_after.getTime()).toBeGreaterThan(started + 500);
    const [run] = await settledRuns(db.pool, fnId("sleeper"), 1);
    expect(run?.status).toBe("DONE");
    expect(record.slept).toBe(1);
  });

  it("fires each cron tick once, even with two executors racing for it", async () => {
    let clock = new Date("2030-01-01T00:00:30Z");
    const now = () => clock;
    await start({ now, cronIntervalMs: 10 });
    await start({ now, cronIntervalMs: 10, pool: db.newPool() });
    const cronRows = await db.pool.query("SELECT fn_id, cron, next_run_at FROM executor_cron");
    expect(cronRows.rows).toEqual([{ fn_id: fnId("every-minute"), cron: "* * * * *", next_run_at: new Date("2030-01-01T00:01:00Z") }]);

    clock = new Date("2030-01-01T00:01:05Z");
    const [tick] = await settledRuns(db.pool, fnId("every-minute"), 1);
    expect(tick).toMatchObject({ status: "DONE", event_key: `${fnId("every-minute")}:cron:2030-01-01T00:01:00.000Z` });
    expect(tick?.event).toMatchObject({ name: "inngest/scheduled.timer", data: { cron: "* * * * *" } });
    await waitFor(
      async () => {
        const row = await db.pool.query<{ next_run_at: Date }>("SELECT next_run_at FROM executor_cron");
        return row.rows[0]?.next_run_at.getTime() === Date.parse("2030-01-01T00:02:00Z") ? true : undefined;
      },
      { what: "the schedule to move on", intervalMs: 10 },
    );
    expect(await runs(db.pool, "fn_id = $1", [fnId("every-minute")])).toHaveLength(1);
    expect(record.cronTicks).toHaveLength(1);
  });

  it("refuses to start when the serve handler cannot be synced", async () => {
    const { Inngest } = await import("inngest");
    // Cloud mode without a signing key: the SDK answers 500 to everything.
    const keyless = new Inngest({ id: "executor-test-keyless", isDev: false, logger: silent });
    await expect(start({ client: keyless, functions: [] })).rejects.toThrow(/In-band sync answered 500/);
    await expect(enqueueRuns(db.pool, [{ id: "x", name: "test/no-step", data: {} }])).rejects.toThrow(/not running/);
  });
});
