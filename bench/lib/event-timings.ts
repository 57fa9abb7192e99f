// End-to-end processing read from the database itself: received_at (the receiver's insert) and
// processed_at (the processing transaction), both stamped by PostgreSQL's clock.
import type pg from "pg";
import { setTimeout as delay } from "node:timers/promises";
import { perSecondRates, round, roundSummary, summarize, type Summary } from "./stats";

export interface EventTimes {
  receivedAt: number;
  processedAt: number | null;
  status: string;
  outcome: string | null;
}

export interface ProcessingRun {
  events: number;
  /** Events whose status is not PROCESSED at the end (dead-lettered or still waiting). */
  notProcessed: number;
  outcomes: Record<string, number>;
  /** First receipt → last receipt. */
  receiveS: number;
  /** First receipt (or `from`) → last PROCESSED: what "time to drain" means for a burst. */
  drainS: number;
  /** Events over drainS. */
  eventsPerS: number;
  /** Events reaching PROCESSED in each whole second of the drain. */
  processedPerSecond: { min: number; p50: number; max: number };
  /** processed_at − received_at per event. */
  lagMs: Summary;
}

const FINAL = "('PROCESSED', 'DEAD_LETTERED')";

/** Waits until every stored one of the listed events is PROCESSED or DEAD_LETTERED; throws after `timeoutMs`. */
export async function waitUntilFinal(client: pg.Client, eventIds: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query<{ open: number }>(
      `SELECT count(*)::int AS open FROM event WHERE event_id = ANY($1::text[]) AND status NOT IN ${FINAL}`,
      [eventIds],
    );
    const open = rows[0]?.open ?? 0;
    if (open === 0) return;
    if (Date.now() > deadline) throw new Error(`${open} of ${eventIds.length} events still not processed after ${timeoutMs / 1000} s`);
    await delay(250);
  }
}

export async function eventTimes(client: pg.Client, eventIds: readonly string[]): Promise<EventTimes[]> {
  const { rows } = await client.query<{ received_ms: number; processed_ms: number | null; status: string; outcome: string | null }>(
    `SELECT extract(epoch FROM received_at) * 1000 AS received_ms, extract(epoch FROM processed_at) * 1000 AS processed_ms, status, outcome
     FROM event WHERE event_id = ANY($1::text[])`,
    [eventIds],
  );
  return rows.map((r) => ({ receivedAt: Number(r.received_ms), processedAt: r.processed_ms === null ? null : Number(r.processed_ms), status: r.status, outcome: r.outcome }));
}

/** `from` (epoch ms): when the drain started, if not at the first receipt (a released backlog). */
export function summarizeProcessing(times: readonly EventTimes[], from?: number): ProcessingRun {
  const processed = times.filter((t): t is EventTimes & { processedAt: number } => t.status === "PROCESSED" && t.processedAt !== null);
  const firstReceived = Math.min(...times.map((t) => t.receivedAt));
  const lastReceived = Math.max(...times.map((t) => t.receivedAt));
  const start = from ?? firstReceived;
  const lastProcessed = Math.max(start, ...processed.map((t) => t.processedAt));
  const drainS = (lastProcessed - start) / 1000;
  const outcomes: Record<string, number> = {};
  for (const t of times) {
    const key = t.outcome ?? t.status;
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  }
  const rates = summarize(perSecondRates(processed.map((t) => t.processedAt), start, lastProcessed));
  return {
    events: times.length,
    notProcessed: times.length - processed.length,
    outcomes,
    receiveS: round((lastReceived - firstReceived) / 1000, 2),
    drainS: round(drainS, 2),
    eventsPerS: round(processed.length / Math.max(drainS, 0.001), 1),
    processedPerSecond: { min: rates.min, p50: rates.p50, max: rates.max },
    lagMs: roundSummary(summarize(processed.map((t) => t.processedAt - t.receivedAt)), 1),
  };
}
