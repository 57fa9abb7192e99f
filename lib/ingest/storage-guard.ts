import os from "node:os";
import { spoolSettings } from "@/lib/config";
import { isUnavailableError } from "@/lib/db/error-code";
import { pool } from "@/lib/db/pool";
import { createCircuitBreaker, type CircuitBreaker } from "@/lib/ingest/circuit-breaker";
import { dispatchStoredEvents, type DispatchItem } from "@/lib/ingest/dispatch";
import { addReplayed, insertOutageWindow, outageMode, type ClosedOutage } from "@/lib/ingest/outage-windows";
import { dispatchUndispatchedSince } from "@/lib/ingest/redispatch-after-outage";
import { createBatcher, type Batcher } from "@/lib/ingest/statement-batcher";
import { storeDeliveries, storeDelivery, type DeliveryToStore, type DeliveryWithRuns, type StoredDelivery } from "@/lib/ingest/store-event";
import { storeSpooledBatch } from "@/lib/ingest/store-spooled";
import { logger } from "@/lib/observability/logger";
import { metrics } from "@/lib/observability/metrics";
import type { SpooledDelivery } from "@/lib/spool/entry";
import { readOutageMarker, writeOutageMarker, type OpenOutage } from "@/lib/spool/outage-marker";
import { Spool } from "@/lib/spool/spool";
import { flushReceiverStats, recordReplayed } from "@/lib/stats/receiver-stats";

// Where a verified delivery goes: the database (in statements shared under load), or — while
// the database is unavailable — the local spool (fsync'ed before the 200), or nowhere (503,
// Smartcar retries). It also keeps the outage windows (outage_window rows) and, once storage is
// back, records them and replays the spool into the database. One per process, on globalThis:
// the route handler and the instrumentation hook may load this module from different bundles.

const PROBE_MS = 2_000;
const MAX_RETRY_MS = 60_000;
// Events received this long before an outage began may have lost their dispatch to it.
const REDISPATCH_MARGIN_MS = 60_000;
const INSTANCE = `${os.hostname()}:${process.pid}`;

// Deliveries arriving while earlier ones are being stored share a statement and its commit
// (lib/ingest/statement-batcher.ts). Four statements in flight leave most of the pool (10) to the
// dashboard and the rest of the server; sizes measured in bench/README.md. A delivery waits for a
// slot as long as the pool would wait for a connection (lib/db/pool.ts).
const STORE_BATCH = { maxBatch: 16, maxInFlight: 4, maxWaitMs: 2_000 };

export type StorageResult =
  | { kind: "stored"; duplicate: boolean; needsDispatch: boolean }
  | { kind: "spooled"; duplicate: boolean }
  | { kind: "unavailable" };

interface Guard {
  breaker: CircuitBreaker;
  /** Where stores wait for a statement slot and share it (group commit). */
  statements: Batcher<DeliveryWithRuns, StoredDelivery>;
  spool: Spool | null;
  spoolDir: string | null;
  opening: Promise<void> | null;
  /** The outage under way (breaker open), with what the receiver did meanwhile. */
  window: OpenOutage | null;
  /** Closed windows still waiting for their row. */
  closed: ClosedOutage[];
  /** Deliveries the current recovery stored, credited to the last recorded window. */
  credit: { windowId: string | null; replayed: number };
  /** Received since then and never dispatched: the outage probably cut the dispatch off. */
  redispatchSince: Date | null;
  /** Spool trouble already logged in this window (one line per kind, not one per request). */
  spoolTroubleLogged: Set<string>;
  recovery: Promise<void> | null;
  recoverAgain: boolean;
  failedRecoveries: number;
  timer: NodeJS.Timeout | null;
  markerWrite: Promise<void>;
  stopping: boolean;
}

const globalForGuard = globalThis as unknown as { smartcarStorageGuard?: Guard };

function guard(): Guard {
  globalForGuard.smartcarStorageGuard ??= createGuard();
  return globalForGuard.smartcarStorageGuard;
}

function createGuard(): Guard {
  const g: Guard = {
    breaker: createCircuitBreaker({ probeMs: PROBE_MS, onOpen: (at) => outageStarted(g, at), onClose: (at) => outageEnded(g, at) }),
    statements: createBatcher({ ...STORE_BATCH, keyOf: (item) => item.delivery.eventId, run: storeBatch, onWaiting: (n) => metrics().storeWaiting.set(n) }),
    spool: null,
    spoolDir: null,
    opening: null,
    window: null,
    closed: [],
    credit: { windowId: null, replayed: 0 },
    redispatchSince: null,
    spoolTroubleLogged: new Set(),
    recovery: null,
    recoverAgain: false,
    failedRecoveries: 0,
    timer: null,
    markerWrite: Promise.resolve(),
    stopping: false,
  };
  return g;
}

/**
 * Stores a verified delivery (API.md §1 rows 8–9). Deliveries of an event still waiting in the
 * spool join it there, so they are replayed in order with their original receipt times. `runs`
 * (embedded queue) go into the database with a new event; a spooled delivery is dispatched by
 * its replay instead.
 */
export async function storeVerifiedDelivery(delivery: DeliveryToStore, runs: string | null = null): Promise<StorageResult> {
  const g = guard();
  if (g.spool?.holds(delivery.eventId)) return spoolOrRefuse(g, delivery);
  const attemptedAt = Date.now();
  if (g.breaker.allow(attemptedAt)) {
    try {
      const stored = await storeWithRuns(delivery, runs);
      g.breaker.succeeded(attemptedAt);
      return { kind: "stored", ...stored };
    } catch (error) {
      const unavailable = isUnavailableError(error);
      // A probe failing while the breaker is open is expected: the outage was logged when it began.
      if (!unavailable || g.breaker.state === "closed") logger.error({ eventId: delivery.eventId, err: error }, "webhook.store_failed");
      // A statement the database refuses is no outage: spooling it would only fail again later.
      if (!unavailable) return refuse(g);
      g.breaker.failed();
    }
  }
  return spoolOrRefuse(g, delivery);
}

function storeWithRuns(delivery: DeliveryToStore, runs: string | null): Promise<StoredDelivery> {
  return guard().statements.submit({ delivery, runs });
}

// A statement the database refuses (rather than an outage) is retried one delivery at a time, so
// a delivery it cannot take costs only itself its answer.
async function storeBatch(items: DeliveryWithRuns[]): Promise<PromiseSettledResult<StoredDelivery>[]> {
  metrics().storeStatementDeliveries.observe(items.length);
  if (items.length > 1) {
    try {
      const stored = await storeDeliveries(pool(), items);
      return stored.map((value) => ({ status: "fulfilled", value }));
    } catch (error) {
      if (isUnavailableError(error)) return items.map(() => ({ status: "rejected", reason: error }));
      logger.warn({ deliveries: items.length, err: error }, "webhook.batch_refused: storing its deliveries one by one");
    }
  }
  return Promise.allSettled(items.map((item) => storeOne(item.delivery, item.runs)));
}

// The queue's runs must never cost an event its acknowledgement: when the database refuses the
// statement that stores both (a broken queue table, a trigger), the event is stored on its own
// and left to the dispatch after the answer, then the sweep, like any undispatched event.
async function storeOne(delivery: DeliveryToStore, runs: string | null): Promise<StoredDelivery> {
  if (runs === null) return storeDelivery(pool(), delivery);
  try {
    return await storeDelivery(pool(), delivery, runs);
  } catch (error) {
    if (isUnavailableError(error)) throw error;
    logger.error({ eventId: delivery.eventId, err: error }, "webhook.enqueue_failed: storing the event without its runs");
    return storeDelivery(pool(), delivery);
  }
}

async function spoolOrRefuse(g: Guard, delivery: DeliveryToStore): Promise<StorageResult> {
  await openStorageGuard();
  const spool = g.spool;
  if (!spool) return refuse(g);
  const result = await spool.append({ ...delivery, receivedAt: delivery.receivedAt ?? new Date() });
  updateSpoolGauges(spool);
  if (result.ok) {
    if (g.window) g.window.spooled += 1;
    return { kind: "spooled", duplicate: result.duplicate };
  }
  if (!g.spoolTroubleLogged.has(result.reason)) {
    g.spoolTroubleLogged.add(result.reason);
    if (result.reason === "full") logger.error({ bytes: spool.bytes, entries: spool.entries }, "spool.full: refusing deliveries (503) until the database is back");
    else logger.error({ err: result.error }, "spool.append_failed: refusing deliveries (503)");
  }
  return refuse(g);
}

function refuse(g: Guard): StorageResult {
  if (g.window) g.window.refused += 1;
  return { kind: "unavailable" };
}

function outageStarted(g: Guard, at: Date): void {
  g.window = { startedAt: at, refused: 0, spooled: 0, instance: INSTANCE };
  g.spoolTroubleLogged.clear();
  metrics().storageBreakerOpen.set(1);
  logger.warn({ spool: g.spool !== null }, g.spool ? "storage.outage_started: spooling verified deliveries" : "storage.outage_started: answering 503");
  persistMarker(g);
  schedule(g, PROBE_MS);
}

function outageEnded(g: Guard, at: Date): void {
  const open = g.window;
  g.window = null;
  metrics().storageBreakerOpen.set(0);
  if (open) {
    const closed: ClosedOutage = { ...open, endedAt: at, spoolEnabled: g.spool !== null };
    g.closed.push(closed);
    logger.info(
      { startedAt: open.startedAt.toISOString(), durationMs: at.getTime() - open.startedAt.getTime(), refused: open.refused, spooled: open.spooled, mode: outageMode(closed) },
      "storage.outage_ended",
    );
    persistMarker(g);
  }
  kickRecovery(g);
}

/**
 * Takes the spool directory (when enabled) and picks up what an earlier process left: spooled
 * deliveries and unrecorded outage windows, replayed and recorded as soon as storage answers.
 */
export function openStorageGuard(): Promise<void> {
  const g = guard();
  g.opening ??= openSpool(g);
  return g.opening;
}

async function openSpool(g: Guard): Promise<void> {
  const settings = spoolSettings();
  if (!settings.enabled) {
    logger.info("spool disabled: deliveries are answered 503 while the database is unavailable");
    return;
  }
  try {
    const opened = await Spool.open({ dir: settings.dir, maxBytes: settings.maxBytes });
    if (opened.kind === "busy") {
      logger.warn({ dir: settings.dir, holder: opened.holder }, "spool in use by another process: deliveries are answered 503 while the database is unavailable");
      return;
    }
    g.spool = opened.spool;
    g.spoolDir = settings.dir;
    const { leftovers } = opened;
    updateSpoolGauges(opened.spool);
    logger.info({ dir: settings.dir, entries: leftovers.entries, bytes: leftovers.bytes, segments: leftovers.segments }, "spool.opened");
    if (leftovers.torn > 0) {
      metrics().spoolTornLines.inc(leftovers.torn);
      logger.warn({ torn: leftovers.torn }, "spool: skipped incomplete lines left by a crash (never acknowledged)");
    }
    const marker = await readOutageMarker(settings.dir);
    g.closed.push(...marker.closed);
    if (marker.open) {
      // The process that saw this outage stopped before it ended: it lasted at least until now.
      // Counts are those last saved (every probe); the spool itself shows what was kept.
      const spooled = Math.max(marker.open.spooled, leftovers.entries);
      g.closed.push({ ...marker.open, spooled, endedAt: new Date(), spoolEnabled: true });
      logger.warn({ startedAt: marker.open.startedAt.toISOString(), refused: marker.open.refused, spooled }, "storage.outage_recovered_after_restart");
      persistMarker(g);
    }
    if (needsRecovery(g)) kickRecovery(g);
  } catch (error) {
    logger.error({ err: error, dir: settings.dir }, "spool unavailable: deliveries are answered 503 while the database is unavailable");
  }
}

function needsRecovery(g: Guard): boolean {
  return g.closed.length > 0 || (g.spool?.entries ?? 0) > 0 || g.credit.replayed > 0 || g.redispatchSince !== null;
}

function kickRecovery(g: Guard): void {
  if (g.stopping) return;
  if (g.recovery) {
    g.recoverAgain = true;
    return;
  }
  g.recovery = recover(g).finally(() => {
    g.recovery = null;
    if (g.recoverAgain) {
      g.recoverAgain = false;
      kickRecovery(g);
    } else if (needsRecovery(g) && g.breaker.state === "closed") {
      schedule(g, Math.min(MAX_RETRY_MS, PROBE_MS * 2 ** g.failedRecoveries));
    }
  });
}

// Storage is back: record the windows, then replay the spool. Any step may find the database
// gone again; what is left waits for the next close of the breaker.
async function recover(g: Guard): Promise<void> {
  if (g.breaker.state === "open") return;
  try {
    for (let window = g.closed[0]; window; window = g.closed[0]) {
      await creditReplayed(g);
      g.credit.windowId = await insertOutageWindow(pool(), window);
      const since = new Date(window.startedAt.getTime() - REDISPATCH_MARGIN_MS);
      if (!g.redispatchSince || since < g.redispatchSince) g.redispatchSince = since;
      g.closed.shift();
      persistMarker(g);
    }
    const spool = g.spool;
    if (spool && spool.entries > 0) {
      const before = spool.entries;
      const stored = await spool.replay((batch) => replayBatch(g, spool, batch), { shouldStop: () => g.stopping || g.breaker.state === "open" });
      updateSpoolGauges(spool);
      await flushReceiverStats();
      logger.info({ entries: before - spool.entries, stored, left: spool.entries }, "spool.replayed");
    }
    await creditReplayed(g);
    if (g.redispatchSince) {
      const dispatched = await dispatchUndispatchedSince(pool(), g.redispatchSince);
      if (dispatched > 0) logger.info({ dispatched }, "storage.redispatched_after_outage");
      g.redispatchSince = null;
    }
    g.failedRecoveries = 0;
  } catch (error) {
    g.failedRecoveries += 1;
    if (isUnavailableError(error)) g.breaker.failed();
    else logger.error({ err: error }, "storage.recovery_failed");
  }
}

async function creditReplayed(g: Guard): Promise<void> {
  const { windowId, replayed } = g.credit;
  if (replayed > 0 && windowId !== null) await addReplayed(pool(), windowId, replayed);
  g.credit.replayed = 0;
}

async function replayBatch(g: Guard, spool: Spool, batch: SpooledDelivery[]): Promise<number> {
  let results;
  try {
    results = await storeSpooledBatch(pool(), batch);
  } catch (error) {
    if (isUnavailableError(error)) throw error;
    // The database refuses something in this batch for good: find it, keep the others flowing.
    if (batch.length > 1) {
      let stored = 0;
      for (const entry of batch) stored += await replayBatch(g, spool, [entry]);
      return stored;
    }
    const [entry] = batch;
    if (!entry) return 0;
    const file = await spool.setAside(entry);
    metrics().spoolUnreplayable.inc();
    logger.error({ eventId: entry.eventId, deliveryId: entry.deliveryId, err: error, file }, "spool.entry_set_aside");
    return 0;
  }
  const toDispatch = new Map<string, DispatchItem>();
  let stored = 0;
  for (const result of results) {
    if (result.kind !== "stored") continue;
    stored += 1;
    recordReplayed(result.entry, result.stored.duplicate);
    if (result.stored.needsDispatch) toDispatch.set(result.entry.eventId, { eventId: result.entry.eventId, vehicleId: result.entry.vehicleId, inngestId: result.entry.eventId });
  }
  metrics().spoolReplayed.inc(stored);
  g.credit.replayed += stored;
  // Like the receiver's after(): a failed dispatch leaves the event to the sweep.
  await dispatchStoredEvents([...toDispatch.values()]);
  return stored;
}

// One timer drives the probes while the breaker is open and the retries of a failed recovery.
function schedule(g: Guard, delayMs: number): void {
  if (g.timer || g.stopping) return;
  g.timer = setTimeout(() => {
    g.timer = null;
    void tick(g);
  }, delayMs);
  g.timer.unref();
}

async function tick(g: Guard): Promise<void> {
  if (g.breaker.state === "closed") {
    if (needsRecovery(g)) kickRecovery(g);
    return;
  }
  // Counts so far survive a crash during a long outage.
  persistMarker(g);
  try {
    const probedAt = Date.now();
    await pool().query("SELECT 1");
    g.breaker.succeeded(probedAt);
  } catch {
    // Still down; probing again below.
  }
  if (g.breaker.state === "open") schedule(g, PROBE_MS);
}

function persistMarker(g: Guard): void {
  const dir = g.spoolDir;
  if (!dir) return;
  // Chained, and reading the state when its turn comes: the last write always holds the latest.
  g.markerWrite = g.markerWrite
    .then(() => writeOutageMarker(dir, { open: g.window && { ...g.window }, closed: [...g.closed] }))
    .catch((error: unknown) => logger.error({ err: error }, "spool: could not save the outage marker"));
}

function updateSpoolGauges(spool: Spool): void {
  const m = metrics();
  m.spoolEntries.set(spool.entries);
  m.spoolBytes.set(spool.bytes);
}

/**
 * Graceful stop: ends a replay between two batches, saves an outage still under way for the
 * next start, waits for appends in flight and gives the spool directory up.
 */
export async function closeStorageGuard(): Promise<void> {
  const g = guard();
  g.stopping = true;
  if (g.timer) clearTimeout(g.timer);
  g.timer = null;
  await g.opening;
  await g.recovery;
  persistMarker(g);
  await g.markerWrite;
  await g.spool?.close();
}
