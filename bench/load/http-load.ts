// Signed deliveries through autocannon, in two modes: closed loop (N connections, each sends its
// next request as soon as the previous one is answered: the maximum sustained rate) and paced (a
// fixed rate). Every response's latency is kept, so percentiles are exact, p95 included.
import autocannon from "autocannon";
import { performance } from "node:perf_hooks";
import { round, roundSummary, perSecondRates, summarize, type Summary } from "@/bench/lib/stats";
import { FeedCursor, type Feed } from "./feed";

export interface LoadResult {
  /** Deliveries taken from the feed: the first `sent` of it (some may be unanswered when a run is cut off). */
  sent: number;
  requests: number;
  /** Responses by HTTP status. */
  status: Record<string, number>;
  /** Connection errors and timeouts: requests that got no HTTP answer. */
  errors: number;
  elapsedS: number;
  /** 2xx answers per second over the run. */
  throughput: number;
  /** Per-second 2xx counts over the run's whole seconds: how steady the rate was. */
  perSecond: { min: number; p50: number; max: number };
  /** Milliseconds from the request's first byte sent to the response's last byte received. */
  latencyMs: Summary;
}

interface Target {
  url: string;
  feed: Feed;
  connections: number;
}

class Recorder {
  readonly latencies: number[] = [];
  readonly completions: number[] = [];
  readonly status = new Map<number, number>();
  errors = 0;
  readonly startedAt = performance.now();

  watch(instance: autocannon.Instance): autocannon.Instance {
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      this.status.set(statusCode, (this.status.get(statusCode) ?? 0) + 1);
      if (statusCode >= 200 && statusCode < 300) {
        this.latencies.push(responseTime);
        this.completions.push(performance.now());
      }
    });
    instance.on("reqError", () => {
      this.errors += 1;
    });
    return instance;
  }

  /** `busyS`: the seconds the load was offered, when the run's wall time includes staggered starts. */
  result(sent: number, busyS?: number): LoadResult {
    const finishedAt = performance.now();
    const elapsedS = (finishedAt - this.startedAt) / 1000;
    const ok = this.latencies.length;
    const rates = summarize(perSecondRates(this.completions, this.startedAt, finishedAt));
    const requests = [...this.status.values()].reduce((a, b) => a + b, 0) + this.errors;
    return {
      sent,
      requests,
      status: Object.fromEntries([...this.status].map(([code, count]) => [String(code), count])),
      errors: this.errors,
      elapsedS: round(elapsedS, 2),
      throughput: round(ok / (busyS ?? elapsedS), 1),
      perSecond: { min: rates.min, p50: rates.p50, max: rates.max },
      latencyMs: roundSummary(summarize(this.latencies), 2),
    };
  }
}

function signedRequests(cursor: FeedCursor): autocannon.Options["requests"] {
  return [
    {
      setupRequest: (request) => {
        const delivery = cursor.next();
        return {
          ...request,
          method: "POST",
          body: delivery.body,
          headers: { "content-type": "application/json", "sc-signature": delivery.signature, "user-agent": "smartcar-bench" },
        };
      },
    },
  ];
}

/**
 * Sends the feed over `connections` connections, each as fast as answers come, until the feed
 * is used up or `maxSeconds` have passed: on a slow day a run is shorter, never longer.
 */
export async function closedLoop(target: Target & { maxSeconds?: number }): Promise<LoadResult> {
  const cursor = new FeedCursor(target.feed);
  const recorder = new Recorder();
  const instance = recorder.watch(
    autocannon({ url: target.url, connections: target.connections, amount: target.feed.deliveries.length, timeout: 30, requests: signedRequests(cursor) }),
  );
  const timer = target.maxSeconds === undefined ? undefined : setTimeout(() => instance.stop(), target.maxSeconds * 1000);
  await instance;
  clearTimeout(timer);
  return recorder.result(cursor.sent);
}

/**
 * `rate` deliveries per second for `durationS`. autocannon's own rate limit lets each connection
 * fire its whole per-second quota back to back at the top of every second, so all connections
 * burst together and latency measures the burst, not the rate. Instead every connection is its
 * own autocannon instance, started 1/connections of a second after the previous one: the quotas
 * of the connections interleave over the second, close to evenly spaced arrivals.
 */
export async function paced(target: Target & { rate: number; durationS: number }): Promise<LoadResult> {
  const cursor = new FeedCursor(target.feed);
  const recorder = new Recorder();
  const connections = Math.min(target.connections, target.rate);
  const offsetMs = 1000 / connections;
  const runs = Array.from({ length: connections }, async (_, i) => {
    await new Promise((resolve) => setTimeout(resolve, i * offsetMs));
    const connectionRate = Math.floor(target.rate / connections) + (i < target.rate % connections ? 1 : 0);
    await recorder.watch(
      autocannon({ url: target.url, connections: 1, connectionRate, duration: target.durationS, timeout: 30, requests: signedRequests(cursor) }),
    );
  });
  await Promise.all(runs);
  return recorder.result(cursor.sent, target.durationS);
}

/** Deliveries a paced run may need: its quota plus each connection's request in flight at the end. */
export function pacedFeedSize(rate: number, durationS: number, connections: number): number {
  return Math.ceil(rate * (durationS + 1)) + 2 * connections;
}
