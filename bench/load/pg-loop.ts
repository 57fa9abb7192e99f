// Baseline (a), the storage ceiling: the receiver's own statement (lib/ingest/store-event.ts)
// straight through `pg` from a Node loop, at the same concurrency and with the same pool size as
// the product — no HTTP, no signature, no parsing in the timed part.
import pg from "pg";
import { performance } from "node:perf_hooks";
import { storeDelivery, type DeliveryToStore } from "@/lib/ingest/store-event";
import { parseJson, readEnvelope } from "@/lib/smartcar/envelope";
import { perSecondRates, round, roundSummary, summarize } from "@/bench/lib/stats";
import type { Feed } from "./feed";
import type { LoadResult } from "./http-load";

// What the receiver would store for each delivery, worked out before the clock starts.
function toStore(feed: Feed): DeliveryToStore[] {
  return feed.deliveries.map((d) => {
    const parsed = parseJson(d.body);
    const envelope = parsed.ok ? readEnvelope(parsed.value, d.body) : null;
    if (envelope?.kind !== "event") throw new Error(`feed ${feed.name} holds a delivery that is not an event`);
    return {
      eventId: envelope.eventId,
      eventType: envelope.eventType,
      vehicleId: envelope.vehicleId,
      userId: envelope.userId,
      mode: envelope.mode,
      rawBody: d.body.toString("utf8"),
      bodyBytes: d.body.byteLength,
      deliveryId: envelope.deliveryId,
      deliveredAt: envelope.deliveredAt,
      tokenSlot: "current",
      userAgent: "smartcar-bench",
    };
  });
}

/** Stores the feed's deliveries until it is used up or `maxSeconds` have passed. */
export async function pgLoop(options: { databaseUrl: string; feed: Feed; concurrency: number; poolSize: number; maxSeconds?: number }): Promise<LoadResult> {
  const rows = toStore(options.feed);
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize, application_name: "bench-pg-loop" });
  const latencies: number[] = [];
  const completions: number[] = [];
  let next = 0;
  try {
    // Open the pool's connections first: connecting is not what this baseline measures.
    await Promise.all(Array.from({ length: options.poolSize }, () => pool.query("SELECT 1")));
    const startedAt = performance.now();
    const deadline = startedAt + (options.maxSeconds ?? Number.POSITIVE_INFINITY) * 1000;
    const worker = async () => {
      for (let row = rows[next++]; row && performance.now() < deadline; row = rows[next++]) {
        const sentAt = performance.now();
        await storeDelivery(pool, row);
        const doneAt = performance.now();
        latencies.push(doneAt - sentAt);
        completions.push(doneAt);
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    const finishedAt = performance.now();
    const elapsedS = (finishedAt - startedAt) / 1000;
    const rates = summarize(perSecondRates(completions, startedAt, finishedAt));
    const stored = latencies.length;
    return {
      sent: stored,
      requests: stored,
      status: { stored },
      errors: 0,
      elapsedS: round(elapsedS, 2),
      throughput: round(stored / elapsedS, 1),
      perSecond: { min: rates.min, p50: rates.p50, max: rates.max },
      latencyMs: roundSummary(summarize(latencies), 2),
    };
  } finally {
    await pool.end();
  }
}
