// What a load run sends: signed VEHICLE_STATE deliveries from the simulator (lib/simulator — 30
// signals, 6–8 KB, the shapes of test/fixtures/smartcar), rendered before the run so generating
// them costs the measurement nothing. A share of the requests are Smartcar retries of an event
// sent shortly before: same eventId and template, a new deliveryId and deliveredAt — exactly
// what the receiver sees when Smartcar missed our 2xx.
import { renderAttempt } from "@/lib/simulator/delivery";
import { createFleet } from "@/lib/simulator/fleet";
import { planTraffic, type PlannedMessage } from "@/lib/simulator/plan";
import { deterministicUuid, rngFor } from "@/lib/simulator/random";
import { SCENARIOS, type TroubleRates } from "@/lib/simulator/scenarios";

export interface Delivery {
  eventId: string;
  body: Buffer;
  signature: string;
  duplicate: boolean;
}

export interface Feed {
  name: string;
  deliveries: Delivery[];
  uniqueEvents: number;
}

export interface FeedOptions {
  seed: string;
  /** Names the feed: its events, its fleet and its randomness all derive from (seed, name). */
  name: string;
  requests: number;
  vehicles: number;
  duplicateShare: number;
  token: string;
}

// A clean stream: retries are placed by the feed itself (duplicateShare) and ordering is the
// receiver's business, not the benchmark's.
const TROUBLE: TroubleRates = { ...SCENARIOS.clean, lostAck: 0, outOfOrder: 0 };
// Readings are stamped relative to a fixed instant, not the clock, so every run sends the same bytes.
const END_AT = Date.UTC(2026, 0, 1);
// A retry follows its original within this many deliveries (Smartcar retries within minutes).
const RETRY_WINDOW = 500;
// Deliveries of one run are spread over one simulated minute of delivery timestamps.
const DELIVERY_SPACING_MS = 5;

export function buildFeed(options: FeedOptions): Feed {
  const fleet = createFleet({ seed: `${options.seed}/${options.name}`, vehicles: options.vehicles, kind: "full-ev" });
  const rng = rngFor(options.seed, options.name, "duplicates");
  const unique = Math.round(options.requests * (1 - options.duplicateShare));
  const messages = planTraffic({ seed: options.seed, runId: options.name, fleet, trouble: TROUBLE, bound: { count: unique }, endAt: END_AT });
  const sent: PlannedMessage[] = [];
  const deliveries: Delivery[] = [];
  for (let i = 0; i < options.requests; i++) {
    const retry = sent.length > 0 && (rng.chance(options.duplicateShare) || sent.length >= unique);
    const message = retry ? pickRecent(sent, rng.next()) : (messages.next().value as PlannedMessage | undefined);
    if (!message) throw new Error(`the simulator planned fewer than ${unique} messages for ${options.name}`);
    if (!retry) sent.push(message);
    const attempt = renderAttempt(message, {
      token: options.token,
      deliveryId: deterministicUuid(options.seed, options.name, "delivery", i),
      deliveredAt: END_AT + i * DELIVERY_SPACING_MS,
      maxBodyBytes: Number.MAX_SAFE_INTEGER,
    });
    if (attempt.signature === null) throw new Error(`the simulator produced an unsigned ${message.eventType} message`);
    deliveries.push({ eventId: message.eventId, body: Buffer.from(attempt.body), signature: attempt.signature, duplicate: retry });
  }
  return { name: options.name, deliveries, uniqueEvents: sent.length };
}

function pickRecent(sent: readonly PlannedMessage[], roll: number): PlannedMessage {
  const window = Math.min(RETRY_WINDOW, sent.length);
  return sent[sent.length - 1 - Math.floor(roll * window)] as PlannedMessage;
}

/** Hands out a feed's deliveries in order, once each. */
export class FeedCursor {
  private index = 0;

  constructor(private readonly feed: Feed) {}

  next(): Delivery {
    const delivery = this.feed.deliveries[this.index];
    if (!delivery) throw new Error(`feed ${this.feed.name} exhausted after ${this.index} deliveries: size the run's feed larger`);
    this.index += 1;
    return delivery;
  }

  get sent(): number {
    return this.index;
  }
}
