import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueRuns } from "@/inngest/embedded/enqueue";
import { startEmbeddedExecutor, type EmbeddedExecutor } from "@/inngest/embedded/executor";
import { client, fnId, functions, record } from "./app";
import { createExecutorDatabase, quietLogger, settledRuns, type ExecutorDatabase } from "./harness";

// A batch enqueued in one statement (a spool replay, a sweep, a bulk re-drive) gives every run
// the same run_after. With one concurrency key and a claim that looks at only a few candidates,
// the claim must still find the key's first run among them, or the queue stalls for good.
describe("embedded executor claims", () => {
  let db: ExecutorDatabase;
  let executor: EmbeddedExecutor | undefined;

  beforeAll(async () => {
    db = await createExecutorDatabase();
  });
  afterAll(async () => {
    await executor?.stop();
    await db.drop();
  });

  it("drains a one-key batch many times larger than a claim's scan", async () => {
    record.reset();
    // One run at a time: each claim looks at 4 candidates out of the batch.
    executor = await startEmbeddedExecutor({ client, functions, pool: db.pool, logger: quietLogger, concurrency: 1, pollIntervalMs: 20 });
    const events = Array.from({ length: 40 }, (_, i) => ({ id: `evt-tie-${i}`, name: "test/keyed", data: { key: "K", first: i === 0 } }));
    expect(await enqueueRuns(db.pool, events)).toBe(40);
    const ties = await db.pool.query<{ n: string }>("SELECT count(DISTINCT run_after) AS n FROM executor_run");
    expect(ties.rows[0]?.n).toBe("1");
    const done = await settledRuns(db.pool, fnId("keyed"), 40, 15_000);
    expect(done.every((r) => r.status === "DONE")).toBe(true);
    expect(record.keyed.maxActive).toEqual(new Map([["K", 1]]));
  });
});
