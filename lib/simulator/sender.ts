// Delivers planned messages the way Smartcar does: one POST per attempt with a fresh deliveryId
// and deliveredAt = now, a 15 s timeout, retries after each failure (+25 s, +50 s, +100 s by
// default, counted from the failed attempt's end), several deliveries in flight at once.
import { randomUUID } from "node:crypto";
import { expectationFor, isExpected, readAnswer, renderAttempt, shouldRetry, type Answer } from "./delivery";
import type { PlannedMessage } from "./plan";
import { countAnswer, countMessage, newTally, type Tally } from "./tally";

export interface SendOptions {
  url: string;
  token: string;
  messages: Iterable<PlannedMessage>;
  concurrency: number;
  /** New messages per second (retries keep their own schedule); null = as fast as concurrency allows. */
  ratePerSecond: number | null;
  /** Wait before retry 1, 2, 3… (Smartcar: 25 s, 50 s, 100 s). */
  retryDelaysMs: readonly number[];
  timeoutMs: number;
  maxBodyBytes: number;
  /** Wall-clock time after which no new message starts; retries already due still run. */
  stopAt?: number;
  onProgress?: (tally: Tally, waitingRetries: number) => void;
  progressEveryMs?: number;
  /** Called once per event, at the first 200 that stored it: what the receiver now owes processing. */
  onAcknowledged?: (message: PlannedMessage) => void;
}

export interface SendResult {
  tally: Tally;
  durationMs: number;
}

export async function sendTraffic(options: SendOptions): Promise<SendResult> {
  const tally = newTally();
  const slots = new Semaphore(options.concurrency);
  const running = new Set<Promise<void>>();
  let waitingRetries = 0;
  const started = performance.now();
  const progress = options.onProgress
    ? setInterval(() => options.onProgress?.(tally, waitingRetries), options.progressEveryMs ?? 250)
    : null;
  const pace = pacer(options.ratePerSecond);

  // Each message is one promise covering all its attempts, so "done" is simply "all settled".
  async function deliver(message: PlannedMessage): Promise<void> {
    const expectation = expectationFor(message, options.token);
    const maxAttempts = options.retryDelaysMs.length + 1;
    let storedBefore = false;
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) await slots.acquire();
      const { answer, latencyMs } = await post(message, options).finally(() => slots.release());
      const expected = isExpected(expectation, answer, storedBefore);
      countAnswer(tally, { message, attempt, answer, expectation, expected, latencyMs });
      if (answer.kind === "stored" && !storedBefore) options.onAcknowledged?.(message);
      storedBefore ||= answer.kind === "stored";
      if (!shouldRetry(message, attempt, answer, maxAttempts)) {
        if (answer.kind === "refused" || answer.kind === "failed") tally.lost += 1;
        return;
      }
      waitingRetries += 1;
      await sleep(options.retryDelaysMs[attempt - 1] ?? 0);
      waitingRetries -= 1;
    }
  }

  try {
    for (const message of options.messages) {
      if (options.stopAt !== undefined && Date.now() >= options.stopAt) break;
      await pace();
      await slots.acquire();
      countMessage(tally, message);
      const task = deliver(message);
      running.add(task);
      void task.finally(() => running.delete(task));
    }
    while (running.size > 0) await Promise.all([...running]);
  } finally {
    if (progress) clearInterval(progress);
  }
  options.onProgress?.(tally, 0);
  return { tally, durationMs: performance.now() - started };
}

async function post(message: PlannedMessage, options: SendOptions): Promise<{ answer: Answer; latencyMs: number }> {
  const attempt = renderAttempt(message, { token: options.token, deliveryId: randomUUID(), deliveredAt: Date.now(), maxBodyBytes: options.maxBodyBytes });
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "Smartcar/4.0 (smartcar-monitor simulator)" };
  if (attempt.signature !== null) headers["sc-signature"] = attempt.signature;
  const started = performance.now();
  try {
    const response = await fetch(options.url, { method: "POST", headers, body: attempt.body, signal: AbortSignal.timeout(options.timeoutMs) });
    const text = await response.text();
    return { answer: readAnswer(response.status, text), latencyMs: performance.now() - started };
  } catch (error) {
    const reason = error instanceof Error && error.name === "TimeoutError" ? "TIMEOUT" : "NETWORK";
    return { answer: { kind: "failed", reason }, latencyMs: performance.now() - started };
  }
}

/** Spaces message starts 1/rate apart; after a stall it does not burst to catch up. */
function pacer(ratePerSecond: number | null): () => Promise<void> {
  if (ratePerSecond === null) return async () => undefined;
  const interval = 1000 / ratePerSecond;
  let next = performance.now();
  return async () => {
    const now = performance.now();
    next = Math.max(next, now - interval);
    const wait = next - now;
    next += interval;
    if (wait > 0) await sleep(wait);
  };
}

class Semaphore {
  private free: number;
  private readonly waiters: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.free += 1;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
