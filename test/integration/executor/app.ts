import { Inngest, type Logger } from "inngest";

// A small app for the executor to drive: one function per behaviour under test, each recording
// what it saw in `record` (the functions run in the test's own process).

/** Resolves once `parties` callers have arrived, or after `timeoutMs` (reporting false). */
export class Barrier {
  private arrived = 0;
  private readonly waiters: ((met: boolean) => void)[] = [];
  constructor(private readonly parties: number) {}

  arrive(timeoutMs: number): Promise<boolean> {
    this.arrived += 1;
    if (this.arrived >= this.parties) {
      for (const release of this.waiters.splice(0)) release(true);
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      setTimeout(() => resolve(false), timeoutMs);
    });
  }
}

/** A promise the test resolves when it chooses. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export const SIGNING_KEY = `signkey-test-${"ab12".repeat(16)}`;

export const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

export const client = new Inngest({ id: "executor-test", isDev: false, signingKey: SIGNING_KEY, logger: silent });

export const record = {
  noStep: [] as unknown[],
  steps: { a: 0, b: 0, c: 0, d: 0 },
  flakyAttempts: [] as number[],
  doomedAttempts: [] as number[],
  failures: [] as { functionId: unknown; original: unknown; message: string }[],
  keyed: { active: new Map<string, number>(), maxActive: new Map<string, number>(), total: 0, maxTotal: 0, firstOfEach: new Barrier(2) },
  cronTicks: [] as unknown[],
  slept: 0,
  blockerStarted: 0,
  blocker: deferred(),
  reset() {
    this.noStep = [];
    this.steps = { a: 0, b: 0, c: 0, d: 0 };
    this.flakyAttempts = [];
    this.doomedAttempts = [];
    this.failures = [];
    this.keyed = { active: new Map(), maxActive: new Map(), total: 0, maxTotal: 0, firstOfEach: new Barrier(2) };
    this.cronTicks = [];
    this.slept = 0;
    this.blockerStarted = 0;
    this.blocker = deferred();
  },
};

const noStep = client.createFunction({ id: "no-step", triggers: [{ event: "test/no-step" }] }, async ({ event }) => {
  record.noStep.push(event.data);
  return { ok: true };
});

const multiStep = client.createFunction({ id: "multi-step", triggers: [{ event: "test/multi-step" }], retries: 2 }, async ({ event, step }) => {
  const a = await step.run("a", () => ++record.steps.a);
  const b = await step.run("b", () => {
    record.steps.b += 1;
    if (event.data.failBOnce === true && record.steps.b === 1) throw new Error("b fails once");
    return 10;
  });
  // Two steps at once: the SDK plans both and the executor runs each by its id.
  const [c, d] = await Promise.all([step.run("c", () => ++record.steps.c * 100), step.run("d", () => ++record.steps.d * 1000)]);
  return a + b + c + d;
});

const flaky = client.createFunction({ id: "flaky", triggers: [{ event: "test/flaky" }], retries: 3 }, async ({ event, attempt }) => {
  record.flakyAttempts.push(attempt);
  if (attempt < Number(event.data.failTimes)) throw new Error(`attempt ${attempt} fails`);
  return { succeededOnAttempt: attempt };
});

const doomed = client.createFunction(
  {
    id: "doomed",
    triggers: [{ event: "test/doomed" }],
    retries: 2,
    onFailure: async ({ event, error }) => {
      record.failures.push({ functionId: event.data.function_id, original: event.data.event, message: error.message });
    },
  },
  async ({ attempt }) => {
    record.doomedAttempts.push(attempt);
    throw new Error(`doomed attempt ${attempt}`);
  },
);

const keyed = client.createFunction(
  { id: "keyed", triggers: [{ event: "test/keyed" }], concurrency: { key: "event.data.key", limit: 1 } },
  async ({ event }) => {
    const key = String(event.data.key);
    const k = record.keyed;
    k.active.set(key, (k.active.get(key) ?? 0) + 1);
    k.maxActive.set(key, Math.max(k.maxActive.get(key) ?? 0, k.active.get(key) ?? 0));
    k.total += 1;
    k.maxTotal = Math.max(k.maxTotal, k.total);
    // The first run of each key waits for the other key's first run: only parallel runs meet.
    if (event.data.first === true) await k.firstOfEach.arrive(3_000);
    else await new Promise((resolve) => setTimeout(resolve, 5));
    k.total -= 1;
    k.active.set(key, (k.active.get(key) ?? 1) - 1);
  },
);

const cronFn = client.createFunction({ id: "every-minute", triggers: [{ cron: "* * * * *" }] }, async ({ event }) => {
  record.cronTicks.push(event);
});

const sleeper = client.createFunction({ id: "sleeper", triggers: [{ event: "test/sleep" }] }, async ({ step }) => {
  await step.sleep("nap", "1s");
  record.slept += 1;
});

const blocker = client.createFunction({ id: "blocker", triggers: [{ event: "test/block" }] }, async () => {
  record.blockerStarted += 1;
  await record.blocker.promise;
});

// The throughput benchmark's workload: nothing but the executor's own cost.
const trivial = client.createFunction({ id: "trivial", triggers: [{ event: "test/trivial" }] }, async () => null);

export const functions = [noStep, multiStep, flaky, doomed, keyed, cronFn, sleeper, blocker, trivial];

/** The ids the serve handler knows the functions by. */
export const fnId = (id: string) => `executor-test-${id}`;
