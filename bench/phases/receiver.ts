// Phase 1, the receiver: its maximum sustained rate against three ceilings measured in the same
// run with the same feed and concurrency — (a) the statement alone through pg, (b) a bare Next
// POST route, (c) a Next route doing the HMAC check and the statement — then its latency at
// fixed rates with processing running as in production.
import path from "node:path";
import { BENCH_TOKEN } from "@/bench/lib/app";
import { startBaselineApp } from "@/bench/lib/baseline-app";
import type { CpuUse } from "@/bench/lib/cpu-meter";
import { eventTimes, summarizeProcessing, waitUntilFinal, type ProcessingRun } from "@/bench/lib/event-timings";
import { holdProcessing, releaseProcessing } from "@/bench/lib/processing-gate";
import { withClient } from "@/bench/lib/postgres";
import { round, roundSummary, summarize, type Summary } from "@/bench/lib/stats";
import type { Feed } from "@/bench/load/feed";
import { closedLoop, paced, pacedFeedSize, type LoadResult } from "@/bench/load/http-load";
import { pgLoop } from "@/bench/load/pg-loop";
import { eventIdsOf, feed, measure, type Harness } from "./harness";

export const RECEIVER_PATH = "/api/webhooks/smartcar";

export interface MeasuredLoad extends LoadResult {
  /** Average cores used during the run, by process group; `other` = the rest of the machine. */
  cpu: CpuUse;
}

export interface FixedRateRun {
  rate: number;
  /** Whether the rate was held: ≥ 97 % of it answered 2xx and nothing failed. */
  sustained: boolean;
  load: MeasuredLoad;
  /** Receipt → PROCESSED of the events sent, with processing live. */
  processingLagMs: Summary;
}

export interface ReceiverResult {
  connections: number;
  duplicateShare: number;
  feed: { requests: number; events: number; bodyBytes: Summary; signalsPerEvent: number };
  maxThroughput: {
    storageCeiling: MeasuredLoad;
    frameworkCeiling: MeasuredLoad;
    irreducible: MeasuredLoad;
    receiver: MeasuredLoad;
  };
  ratios: { receiverOverIrreducible: number; receiverOverFramework: number };
  /** What the receiver stored of the max-throughput feed: one event per eventId, one delivery per request. */
  stored: { events: number; deliveries: number; expectedEvents: number; expectedDeliveries: number };
  fixedRates: FixedRateRun[];
  /** 5xx answers of the product over the whole phase (the database stayed up throughout). */
  serverErrors: number;
}

export interface ReceiverPhase {
  receiver: ReceiverResult;
  /** The receiver's max-throughput backlog, processed once released: processing on its own. */
  backlogDrain: ProcessingRun;
}

async function measured(h: Harness, run: () => Promise<LoadResult>): Promise<MeasuredLoad> {
  const { result, cpu } = await measure(h, run);
  return { ...result, cpu };
}

function describe(label: string, load: LoadResult): string {
  return `  ${label}: ${load.throughput}/s, p50 ${load.latencyMs.p50} ms, p99 ${load.latencyMs.p99} ms`;
}

export async function runReceiverPhase(h: Harness): Promise<ReceiverPhase> {
  const { config } = h;
  const main = feed(h, "receiver-max", config.maxRequests);
  const warmup = feed(h, "receiver-warmup", config.warmupRequests);
  const maxThroughput = await ceilings(h, main, warmup);

  h.note("receiver (processing held back, so only the receiver competes with the load generator)");
  await withClient(h.db.url, holdProcessing);
  const url = `${h.app.url}${RECEIVER_PATH}`;
  await closedLoop({ url, feed: feed(h, "receiver-warmup-product", config.warmupRequests), connections: config.connections });
  const receiver = await measured(h, () => closedLoop({ url, feed: main, connections: config.connections }));
  h.note(describe("receiver", receiver));
  const stored = await storedCounts(h, main);

  h.note("processing the held-back backlog on its own");
  const heldIds = await allEventIds(h);
  const released = await withClient(h.db.url, releaseProcessing);
  await waitUntilFinal(h.sql, heldIds, 600_000);
  const backlogDrain = summarizeProcessing(await eventTimes(h.sql, heldIds), released.at);
  h.note(`  ${released.runs} runs drained in ${backlogDrain.drainS} s (${backlogDrain.eventsPerS} events/s)`);

  const fixedRates: FixedRateRun[] = [];
  for (const rate of config.fixedRates) fixedRates.push(await fixedRate(h, rate));

  const all = [receiver, ...fixedRates.map((r) => r.load)];
  return {
    receiver: {
      connections: config.connections,
      duplicateShare: config.duplicateShare,
      feed: {
        requests: main.deliveries.length,
        events: main.uniqueEvents,
        bodyBytes: roundSummary(summarize(main.deliveries.map((d) => d.body.byteLength)), 0),
        signalsPerEvent: signalsPerEvent(main),
      },
      maxThroughput: { ...maxThroughput, receiver },
      ratios: {
        receiverOverIrreducible: round(receiver.throughput / maxThroughput.irreducible.throughput, 3),
        receiverOverFramework: round(receiver.throughput / maxThroughput.frameworkCeiling.throughput, 3),
      },
      stored,
      fixedRates,
      serverErrors: all.reduce((n, load) => n + Object.entries(load.status).reduce((m, [code, count]) => (code.startsWith("5") ? m + count : m), 0), 0),
    },
    backlogDrain,
  };
}

/** (a), (b) and (c) with the receiver's own feed, each into a database of its own. */
async function ceilings(h: Harness, main: Feed, warmup: Feed) {
  const { config } = h;
  const pgLoopUrl = h.db.baselineUrls.bench_storage_ceiling;
  const baselineUrl = h.db.baselineUrls.bench_irreducible;

  h.note("(a) storage ceiling: the receiver's statement through pg, no HTTP");
  await pgLoop({ databaseUrl: pgLoopUrl, feed: warmup, concurrency: config.connections, poolSize: 10 });
  const storageCeiling = await measured(h, () => pgLoop({ databaseUrl: pgLoopUrl, feed: main, concurrency: config.connections, poolSize: 10 }));
  h.note(describe("(a)", storageCeiling));

  const baseline = await startBaselineApp({ databaseUrl: baselineUrl, token: BENCH_TOKEN, logFile: path.join(h.workDir, "baseline-app.log") });
  h.teardown.add(() => baseline.stop());
  h.cpuGroups.baseline = () => [baseline.pid];
  try {
    const bare = `${baseline.url}/api/bare`;
    const irreducibleUrl = `${baseline.url}/api/hmac-insert`;
    await closedLoop({ url: bare, feed: warmup, connections: config.connections });
    await closedLoop({ url: irreducibleUrl, feed: warmup, connections: config.connections });
    h.note("(b) framework ceiling: a bare Next POST route");
    const frameworkCeiling = await measured(h, () => closedLoop({ url: bare, feed: main, connections: config.connections }));
    h.note(describe("(b)", frameworkCeiling));
    h.note("(c) irreducible work: HMAC check + the statement in a bare Next route");
    const irreducible = await measured(h, () => closedLoop({ url: irreducibleUrl, feed: main, connections: config.connections }));
    h.note(describe("(c)", irreducible));
    return { storageCeiling, frameworkCeiling, irreducible };
  } finally {
    delete h.cpuGroups.baseline;
    await baseline.stop();
  }
}

async function fixedRate(h: Harness, rate: number): Promise<FixedRateRun> {
  const { config } = h;
  const f = feed(h, `receiver-rate-${rate}`, pacedFeedSize(rate, config.fixedRateSeconds, config.connections));
  const url = `${h.app.url}${RECEIVER_PATH}`;
  const load = await measured(h, () => paced({ url, feed: f, connections: config.connections, rate, durationS: config.fixedRateSeconds }));
  h.note(describe(`${rate}/s`, load));
  // Settle before the next rate, so every run starts with an empty queue.
  const ids = eventIdsOf(f, load.requests + config.connections);
  await waitUntilFinal(h.sql, ids, 600_000);
  const processing = summarizeProcessing(await eventTimes(h.sql, ids));
  const ok = Object.entries(load.status).reduce((n, [code, count]) => (code.startsWith("2") ? n + count : n), 0);
  return { rate, sustained: load.throughput >= rate * 0.97 && ok === load.requests, load, processingLagMs: processing.lagMs };
}

async function storedCounts(h: Harness, f: Feed): Promise<ReceiverResult["stored"]> {
  const ids = eventIdsOf(f);
  const { rows } = await h.sql.query<{ events: number; deliveries: number }>(
    `SELECT (SELECT count(*)::int FROM event WHERE event_id = ANY($1::text[])) AS events,
            (SELECT count(*)::int FROM delivery WHERE event_id = ANY($1::text[])) AS deliveries`,
    [ids],
  );
  return { events: rows[0]?.events ?? 0, deliveries: rows[0]?.deliveries ?? 0, expectedEvents: ids.length, expectedDeliveries: f.deliveries.length };
}

async function allEventIds(h: Harness): Promise<string[]> {
  const { rows } = await h.sql.query<{ event_id: string }>("SELECT event_id FROM event WHERE status NOT IN ('PROCESSED', 'DEAD_LETTERED')");
  return rows.map((r) => r.event_id);
}

function signalsPerEvent(f: Feed): number {
  const first = f.deliveries[0];
  if (!first) return 0;
  const body: unknown = JSON.parse(first.body.toString("utf8"));
  const data = typeof body === "object" && body !== null ? Reflect.get(body, "data") : null;
  const signals = typeof data === "object" && data !== null ? Reflect.get(data, "signals") : null;
  return Array.isArray(signals) ? signals.length : 0;
}
