// Phase 2, end-to-end processing of 30-signal VEHICLE_STATE events, receipt → PROCESSED as the
// database records it: a steady rate (lag), and a burst sent as fast as the receiver takes it
// (time to drain). Every event is new, so none is a duplicate the receiver would drop.
import { describeAutovacuum, withAutovacuumSampled, type AutovacuumSeen } from "@/bench/lib/db-activity";
import { eventTimes, summarizeProcessing, waitUntilFinal, type ProcessingRun } from "@/bench/lib/event-timings";
import { closedLoop, paced, pacedFeedSize } from "@/bench/load/http-load";
import { RECEIVER_PATH, type BacklogDrain, type MeasuredLoad } from "./receiver";
import { eventIdsOf, feed, measure, type Harness } from "./harness";

export interface ProcessingResult {
  /** The receiver phase's held-back backlog, released at once: processing alone, no receiving. */
  backlogDrain: BacklogDrain;
  steady: ProcessingRun & { rate: number; seconds: number; load: MeasuredLoad; autovacuum: AutovacuumSeen };
  burst: ProcessingRun & { load: MeasuredLoad; autovacuum: AutovacuumSeen };
}

const DRAIN_TIMEOUT_MS = 600_000;

export async function runProcessingPhase(h: Harness, backlogDrain: BacklogDrain): Promise<ProcessingResult> {
  const { config } = h;
  const url = `${h.app.url}${RECEIVER_PATH}`;

  h.note(`steady ${config.steadyRate}/s for ${config.steadySeconds} s`);
  const steadyFeed = feed(h, "processing-steady", pacedFeedSize(config.steadyRate, config.steadySeconds, config.connections), 0);
  const {
    result: { load: steadyLoad, ids: steadyIds },
    autovacuum: steadyAutovacuum,
  } = await withAutovacuumSampled(h.db.url, async () => {
    const load = await measure(h, () => paced({ url, feed: steadyFeed, connections: config.connections, rate: config.steadyRate, durationS: config.steadySeconds }));
    const ids = eventIdsOf(steadyFeed, load.result.requests + config.connections);
    await waitUntilFinal(h.sql, ids, DRAIN_TIMEOUT_MS);
    return { load, ids };
  });
  const steady = summarizeProcessing(await eventTimes(h.sql, steadyIds));
  h.note(`  lag p50 ${steady.lagMs.p50} ms, p95 ${steady.lagMs.p95} ms, p99 ${steady.lagMs.p99} ms; ${describeAutovacuum(steadyAutovacuum)}`);

  h.note(`burst of ${config.burstEvents} events, sent as fast as the receiver answers`);
  const burstFeed = feed(h, "processing-burst", config.burstEvents, 0);
  const { result: burstLoad, autovacuum: burstAutovacuum } = await withAutovacuumSampled(h.db.url, () =>
    measure(h, async () => {
      const load = await closedLoop({ url, feed: burstFeed, connections: config.connections });
      await waitUntilFinal(h.sql, eventIdsOf(burstFeed), DRAIN_TIMEOUT_MS);
      return load;
    }),
  );
  const burst = summarizeProcessing(await eventTimes(h.sql, eventIdsOf(burstFeed)));
  h.note(`  received in ${burst.receiveS} s, drained in ${burst.drainS} s (${burst.eventsPerS} events/s); ${describeAutovacuum(burstAutovacuum)}`);

  return {
    backlogDrain,
    steady: { ...steady, rate: config.steadyRate, seconds: config.steadySeconds, load: { ...steadyLoad.result, cpu: steadyLoad.cpu }, autovacuum: steadyAutovacuum },
    // The CPU of the burst covers receiving and draining: the whole burst's cost.
    burst: { ...burst, load: { ...burstLoad.result, cpu: burstLoad.cpu }, autovacuum: burstAutovacuum },
  };
}
