import { randomUUID } from "node:crypto";
import { signedFunctionCall, type InngestStub, type ReceivedEvent } from "./inngest-stub";

// Inngest's other role next to the event API stub: calling the app's signed /api/inngest endpoint.
// For every event the stub accepted it runs process-smartcar-event — repeated ids dropped as
// Inngest drops them, one run at a time per vehicle (the function's concurrency key), a failed call
// retried up to the function's 3 retries — and it fires the sweep cron every `cronEveryMs` instead
// of every minute (time-scaled). It never calls onFailure: an event whose run gives up stays
// unfinished, which the proofs then report.

const PROCESS_FN = "smartcar-monitor-process-smartcar-event";
const SWEEP_FN = "smartcar-monitor-sweep-undispatched-events";
const MAX_ATTEMPTS = 4;

export interface InngestRunner {
  stats: { runs: number; failedCalls: number; sweeps: number };
  stop(): Promise<void>;
}

export function startInngestRunner(options: { stub: InngestStub; appUrl: string; signingKey: string; cronEveryMs: number; concurrency?: number }): InngestRunner {
  const concurrency = options.concurrency ?? 4;
  const stats = { runs: 0, failedCalls: 0, sweeps: 0 };
  const seen = new Set<string>();
  const queue: ReceivedEvent[] = [];
  const busyKeys = new Set<string>();
  const inflight = new Set<Promise<void>>();
  let stopped = false;

  async function call(fnId: string, event: ReceivedEvent, runId: string, attempt: number): Promise<number> {
    const { body, signature } = signedFunctionCall(options.signingKey, event, runId, attempt);
    const res = await fetch(`${options.appUrl}/api/inngest?fnId=${fnId}&stepId=step`, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "x-inngest-signature": signature },
    }).catch(() => null);
    await res?.arrayBuffer();
    return res?.status ?? 0;
  }

  async function run(event: ReceivedEvent): Promise<void> {
    const runId = randomUUID();
    for (let attempt = 0; attempt < MAX_ATTEMPTS && !stopped; attempt++) {
      if ((await call(PROCESS_FN, event, runId, attempt)) === 200) {
        stats.runs += 1;
        return;
      }
      stats.failedCalls += 1;
    }
  }

  const keyOf = (event: ReceivedEvent) => String(event.data.vehicleId ?? event.id);

  function pump(): void {
    while (!stopped && inflight.size < concurrency) {
      const index = queue.findIndex((e) => !busyKeys.has(keyOf(e)));
      const event = queue[index];
      if (!event) return;
      queue.splice(index, 1);
      const key = keyOf(event);
      busyKeys.add(key);
      const task: Promise<void> = run(event).finally(() => {
        busyKeys.delete(key);
        inflight.delete(task);
        pump();
      });
      inflight.add(task);
    }
  }

  options.stub.onEvents((batch) => {
    for (const event of batch) {
      if (event.name !== "smartcar/event.received") continue;
      if (event.id !== undefined && seen.has(event.id)) continue;
      if (event.id !== undefined) seen.add(event.id);
      queue.push(event);
    }
    pump();
  });

  let sweeping: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (sweeping || stopped) return;
    const tick: ReceivedEvent = { id: randomUUID(), name: "inngest/scheduled.timer", data: { cron: "* * * * *" } };
    sweeping = call(SWEEP_FN, tick, randomUUID(), 0)
      .then((status) => {
        if (status === 200) stats.sweeps += 1;
        else stats.failedCalls += 1;
      })
      .finally(() => {
        sweeping = null;
      });
  }, options.cronEveryMs);

  return {
    stats,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await Promise.all([...inflight, sweeping]);
    },
  };
}
