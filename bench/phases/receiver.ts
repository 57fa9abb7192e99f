// Phase 1, the receiver: its maximum sustained rate against three ceilings measured in the same
// run with the same feeds and concurrency — (a) the statement alone through pg, (b) a bare Next
// POST route, (c) a Next route doing the HMAC check and the statement — then its latency at
// fixed rates, on its own and with processing running as in production.
import path from "node:path";
import { BENCH_TOKEN } from "@/bench/lib/app";
import { startBaselineApp } from "@/bench/lib/baseline-app";
import type { RunningServer } from "@/bench/lib/server-process";
import { untilIdle, type CpuUse } from "@/bench/lib/cpu-meter";
import { costPerDelivery, dbCounters, STATS_SETTLE_MS, type DbCostPerDelivery } from "@/bench/lib/db-activity";
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

/** A row of the max-throughput table: its best round, and every round's rate. */
export interface BestOf extends MeasuredLoad {
  rounds: number[];
  /** Database work per 2xx answer in that round; null for (b), which stores nothing. */
  db: DbCostPerDelivery | null;
}

interface RoundRun extends MeasuredLoad {
  db: DbCostPerDelivery | null;
}

export interface FixedRateRun {
  rate: number;
  processing: "live" | "held";
  /** Whether the rate was held: ≥ 97 % of it answered 2xx and nothing failed. */
  sustained: boolean;
  load: MeasuredLoad;
  /** Receipt → PROCESSED of the events sent (processing live only). */
  processingLagMs: Summary | null;
}

export interface ReceiverResult {
  connections: number;
  duplicateShare: number;
  feed: { requestsPerRound: number; bodyBytes: Summary; signalsPerEvent: number };
  maxThroughput: {
    storageCeiling: BestOf;
    frameworkCeiling: BestOf;
    irreducible: BestOf;
    receiver: BestOf;
  };
  ratios: { receiverOverIrreducible: number; receiverOverFramework: number };
  /** What the receiver stored of its warm-up feed (sent whole): one event per eventId, one delivery per request. */
  stored: { events: number; deliveries: number; expectedEvents: number; expectedDeliveries: number };
  fixedRates: FixedRateRun[];
  /** 5xx answers of the product over the whole phase (the database stayed up throughout). */
  serverErrors: number;
}

export interface ReceiverPhase {
  receiver: ReceiverResult;
  /** Everything the receiver stored while processing was held back, processed once released: processing on its own. */
  backlogDrain: BacklogDrain;
}

export interface BacklogDrain extends ProcessingRun {
  /** Cores used while draining: whether processing is bound by the app's CPU or by waiting. */
  cpu: CpuUse;
}

type Row = keyof ReceiverResult["maxThroughput"];

async function measured(h: Harness, run: () => Promise<LoadResult>): Promise<MeasuredLoad> {
  const { result, cpu } = await measure(h, run);
  return { ...result, cpu };
}

function describe(label: string, load: LoadResult): string {
  return `  ${label}: ${load.throughput}/s, p50 ${load.latencyMs.p50} ms, p99 ${load.latencyMs.p99} ms (cores: ${"cpu" in load ? JSON.stringify(load.cpu) : "-"})`;
}

function bestOf(runs: RoundRun[]): BestOf {
  const best = runs.reduce((a, b) => (b.throughput > a.throughput ? b : a));
  return { ...best, rounds: runs.map((r) => r.throughput) };
}

function count(load: LoadResult, classOf: (code: string) => boolean): number {
  return Object.entries(load.status).reduce((n, [code, c]) => (classOf(code) ? n + c : n), 0);
}

export async function runReceiverPhase(h: Harness): Promise<ReceiverPhase> {
  const { config } = h;
  const url = `${h.app.url}${RECEIVER_PATH}`;
  const baseline = await startBaselineApp({ databaseUrl: h.db.baselineUrls.bench_irreducible, token: BENCH_TOKEN, logFile: path.join(h.workDir, "baseline-app.log") });
  h.teardown.add(() => baseline.stop());

  // Processing is held back while the receiver is measured on its own, as (b) and (c) are.
  await withClient(h.db.url, holdProcessing);
  const warm = await warmUp(h, baseline, url);
  const stored = await storedCounts(h, warm);
  const runs: Record<Row, RoundRun[]> = { storageCeiling: [], frameworkCeiling: [], irreducible: [], receiver: [] };
  const feeds: Feed[] = [];
  for (let r = 1; r <= config.rounds; r++) {
    h.note(`round ${r} of ${config.rounds}: (a), (b), (c), receiver, ${config.roundSeconds} s each at most`);
    const f = feed(h, `receiver-round-${r}`, config.roundRequests);
    feeds.push(f);
    const warmer = feed(h, `receiver-round-${r}-warm-up`, config.rowWarmupRequests);
    for (const [row, load] of await oneRound(h, baseline, url, f, warmer)) runs[row].push(load);
  }
  await baseline.stop();
  const first = feeds[0] as Feed;

  const fixedRates: FixedRateRun[] = [];
  for (const rate of config.fixedRatesHeld) fixedRates.push(await fixedRate(h, rate, "held"));

  h.note("processing everything held back, on its own");
  const heldIds = await openEventIds(h);
  const drained = await measure(h, async () => {
    const released = await withClient(h.db.url, releaseProcessing);
    await waitUntilFinal(h.sql, heldIds, 900_000);
    return released;
  });
  const released = drained.result;
  const backlogDrain = { ...summarizeProcessing(await eventTimes(h.sql, heldIds), released.at), cpu: drained.cpu };
  h.note(`  ${released.runs} runs drained in ${backlogDrain.drainS} s (${backlogDrain.eventsPerS} events/s)`);

  for (const rate of config.fixedRates) fixedRates.push(await fixedRate(h, rate, "live"));

  const best = { storageCeiling: bestOf(runs.storageCeiling), frameworkCeiling: bestOf(runs.frameworkCeiling), irreducible: bestOf(runs.irreducible), receiver: bestOf(runs.receiver) };
  const productLoads = [...runs.receiver, ...fixedRates.map((r) => r.load)];
  return {
    receiver: {
      connections: config.connections,
      duplicateShare: config.duplicateShare,
      feed: {
        requestsPerRound: config.roundRequests,
        bodyBytes: roundSummary(summarize(first.deliveries.map((d) => d.body.byteLength)), 0),
        signalsPerEvent: signalsPerEvent(first),
      },
      maxThroughput: best,
      ratios: {
        receiverOverIrreducible: round(best.receiver.throughput / best.irreducible.throughput, 3),
        receiverOverFramework: round(best.receiver.throughput / best.frameworkCeiling.throughput, 3),
      },
      stored,
      fixedRates,
      serverErrors: productLoads.reduce((n, load) => n + count(load, (code) => code.startsWith("5")), 0),
    },
    backlogDrain,
  };
}

async function warmUp(h: Harness, baseline: RunningServer, url: string): Promise<Feed> {
  const { config } = h;
  h.note("warming up (a), (b), (c) and the receiver");
  const warm = feed(h, "receiver-warmup", config.warmupRequests);
  await pgLoop({ databaseUrl: h.db.baselineUrls.bench_storage_ceiling, feed: warm, concurrency: config.connections, poolSize: 10 });
  await closedLoop({ url: `${baseline.url}/api/bare`, feed: warm, connections: config.connections });
  await closedLoop({ url: `${baseline.url}/api/hmac-insert`, feed: warm, connections: config.connections });
  await closedLoop({ url, feed: warm, connections: config.connections });
  return warm;
}

/**
 * One feed through the four rows in turn; (a) and (c) store into their own copies of the database.
 * Each row is warmed with `warmer` right before it is measured: a server that sat idle through the
 * other rows (and the statistics pauses) runs its first seconds of load up to 40 % slower, and
 * the rows must not differ by how long each one waited.
 */
async function oneRound(h: Harness, baseline: RunningServer, url: string, f: Feed, warmer: Feed): Promise<[Row, RoundRun][]> {
  const { connections, roundSeconds: maxSeconds } = h.config;
  const pgRow = (feedOf: Feed, seconds: number) => pgLoop({ databaseUrl: h.db.baselineUrls.bench_storage_ceiling, feed: feedOf, concurrency: connections, poolSize: 10, maxSeconds: seconds });
  const httpRow = (target: string) => (feedOf: Feed, seconds: number) => closedLoop({ url: target, feed: feedOf, connections, maxSeconds: seconds });
  // The last column: the servers that must be idle before the row is measured (all but its own).
  const rows: [Row, string, string | null, (feedOf: Feed, seconds: number) => Promise<LoadResult>, string[]][] = [
    ["storageCeiling", "(a) the statement through pg", "bench_storage_ceiling", pgRow, ["app", "baseline"]],
    ["frameworkCeiling", "(b) bare Next route", null, httpRow(`${baseline.url}/api/bare`), ["app"]],
    ["irreducible", "(c) HMAC + statement in Next", "bench_irreducible", httpRow(`${baseline.url}/api/hmac-insert`), ["app"]],
    ["receiver", "receiver", new URL(h.db.url).pathname.slice(1), httpRow(url), ["baseline"]],
  ];
  const results: [Row, RoundRun][] = [];
  h.cpuGroups.baseline = () => [baseline.serverPid];
  try {
    for (const [row, label, database, run, quiet] of rows) {
      // The previous row's server finishes its own work first (it used 0.14–0.21 cores into the
      // next row in some rounds), then this row's server is warmed.
      const stillBusy = await untilIdle(h.cpuGroups, quiet);
      if (stillBusy >= 0.05) h.note(`  ${quiet.join(" + ")} still used ${stillBusy} cores after 10 s: measuring ${label} anyway`);
      await run(warmer, h.config.rowWarmupSeconds);
      // Every row starts just after a checkpoint: otherwise one the (a) row's WAL set off lands in
      // whichever row comes next, which then writes full pages and competes with its I/O.
      await h.sql.query("CHECKPOINT");
      const before = database ? await dbCounters(h.sql, database) : null;
      const load = await measured(h, () => run(f, maxSeconds));
      const ok = count(load, (code) => code.startsWith("2")) + (load.status.stored ?? 0);
      const db = before && database ? costPerDelivery(before, await dbCounters(h.sql, database, STATS_SETTLE_MS), ok) : null;
      h.note(`${describe(label, load)}${db ? `, per delivery: ${JSON.stringify(db)}` : ""}`);
      results.push([row, { ...load, db }]);
    }
  } finally {
    delete h.cpuGroups.baseline;
  }
  return results;
}

async function fixedRate(h: Harness, rate: number, processing: FixedRateRun["processing"]): Promise<FixedRateRun> {
  const { config } = h;
  const f = feed(h, `receiver-rate-${rate}-${processing}`, pacedFeedSize(rate, config.fixedRateSeconds, config.connections));
  const url = `${h.app.url}${RECEIVER_PATH}`;
  const load = await measured(h, () => paced({ url, feed: f, connections: config.connections, rate, durationS: config.fixedRateSeconds }));
  h.note(describe(`${rate}/s, processing ${processing}`, load));
  const sustained = load.throughput >= rate * 0.97 && count(load, (code) => code.startsWith("2")) === load.requests;
  if (processing === "held") return { rate, processing, sustained, load, processingLagMs: null };
  // Settle before the next rate, so every run starts with an empty queue.
  const ids = eventIdsOf(f, load.sent);
  await waitUntilFinal(h.sql, ids, 900_000);
  return { rate, processing, sustained, load, processingLagMs: summarizeProcessing(await eventTimes(h.sql, ids)).lagMs };
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

async function openEventIds(h: Harness): Promise<string[]> {
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
