// What Smartcar will send, in the order it sends it: fleet reports turned into numbered messages
// (eventId = f(seed, run id, n)), with VERIFY and TEST-mode events inserted, some messages spoiled
// on purpose (bad signature, oversize, malformed), some acks "lost" (→ retries) and some messages
// overtaken by later ones. Pure: the same options give the same messages, byte for byte.
import type { VehicleProfile } from "./fleet";
import { errorTemplate, stateTemplate, verifyTemplate, type EventMode, type JsonObject } from "./payload";
import { deterministicUuid, rngFor, type Rng } from "./random";
import type { TroubleRates } from "./scenarios";
import { fleetTimeline, type FleetReport, type StateReport } from "./timeline";

export type Fault =
  | { kind: "bad-signature"; variant: "wrong-token" | "missing" | "reformatted" }
  | { kind: "oversize" }
  | { kind: "malformed"; variant: "truncated" | "no-event-id" | "not-an-object" };

export interface VerifyRequest {
  challenge: string;
  legacy: boolean;
  /** Not UUID-like: a signing-oracle probe the receiver must refuse. */
  probe: boolean;
}

export interface PlannedMessage {
  /** Position in the generated sequence; eventId derives from it. */
  n: number;
  eventId: string;
  eventType: "VEHICLE_STATE" | "VEHICLE_ERROR" | "VERIFY";
  vehicleId: string | null;
  mode: EventMode;
  /** Wall-clock time the message describes (back-dated); deliveredAt is the send time instead. */
  at: number;
  template: JsonObject;
  fault: Fault | null;
  /** How many times Smartcar misses our 2xx and retries anyway (0 = the first answer counts). */
  lostAcks: number;
  verify: VerifyRequest | null;
}

export type TrafficBound = { count: number } | { spanMs: number };

export interface TrafficOptions {
  seed: string;
  runId: string;
  fleet: readonly VehicleProfile[];
  trouble: TroubleRates;
  bound: TrafficBound;
  /** The newest reading is stamped at (about) this wall-clock time; older ones are back-dated from it. */
  endAt: number;
}

interface Draft {
  n: number;
  at: number;
  source: { kind: "report"; report: FleetReport; mode: EventMode } | { kind: "verify"; verify: VerifyRequest };
  fault: Fault | null;
  lostAcks: number;
}

/** Messages in sending order. Iterate once; it is generated lazily. */
export function* planTraffic(options: TrafficOptions): Generator<PlannedMessage> {
  const offsetMs = options.endAt - spanOf(options);
  for (const draft of reorder(bounded(drafts(options), options.bound), options)) {
    yield toMessage(draft, options.seed, options.runId, offsetMs);
  }
}

/** Simulated time covered by the traffic: a dry run for a count, the span itself otherwise. */
function spanOf(options: TrafficOptions): number {
  if ("spanMs" in options.bound) return options.bound.spanMs;
  let last = 0;
  for (const draft of bounded(drafts(options), options.bound)) last = Math.max(last, draft.at);
  return last;
}

export function eventIdFor(seed: string, runId: string, n: number): string {
  return deterministicUuid(seed, runId, "event", n);
}

function* bounded(source: Iterable<Draft>, bound: TrafficBound): Generator<Draft> {
  for (const draft of source) {
    if ("count" in bound ? draft.n >= bound.count : draft.at > bound.spanMs) return;
    yield draft;
  }
}

type SlotKind = "verify" | "testMode" | "oversize" | "malformed" | "badSignature";
// VERIFY and TEST events are inserted between fleet reports; the other kinds spoil a VEHICLE_STATE.
const SLOT_KINDS: readonly SlotKind[] = ["verify", "testMode", "oversize", "malformed", "badSignature"];

function* drafts({ seed, runId, fleet, trouble }: TrafficOptions): Generator<Draft> {
  const timeline = fleetTimeline({ seed, runId, fleet, trouble });
  const slots = new SlotSchedule(seed, runId, trouble);
  const delivery = rngFor(seed, runId, "delivery");
  let lastState: StateReport | null = null;
  let now = 0;
  for (let n = 0; ; n++) {
    slots.advanceTo(n);
    const insertion = slots.take(lastState ? ["verify", "testMode"] : ["verify"]);
    if (insertion === "verify") {
      yield { n, at: now, source: { kind: "verify", verify: verifyRequest(seed, runId, n, trouble) }, fault: null, lostAcks: 0 };
      continue;
    }
    if (insertion === "testMode" && lastState) {
      // "Send test event" in Smartcar's dashboard: a copy of a real reading, flagged TEST.
      yield { n, at: now, source: { kind: "report", report: lastState, mode: "TEST" }, fault: null, lostAcks: lostAcks(delivery, trouble) };
      continue;
    }
    const next = timeline.next();
    if (next.done) return;
    const report = next.value;
    now = report.at;
    if (report.type === "VEHICLE_STATE") lastState = report;
    // Spoiled bodies are all VEHICLE_STATE: those are the ones big enough to be cut or bloated.
    const spoil = report.type === "VEHICLE_STATE" ? slots.take(["oversize", "malformed", "badSignature"]) : null;
    const fault = spoil ? faultFor(spoil, rngFor(seed, runId, "fault", n)) : null;
    yield { n, at: report.at, source: { kind: "report", report, mode: "LIVE" }, fault, lostAcks: fault ? 0 : lostAcks(delivery, trouble) };
  }
}

/**
 * Spreads each kind evenly: occurrence j lands at a seeded position inside block j of 1/rate
 * messages, so 200 messages at 1 % hold exactly two — random-looking, never clumped or absent.
 * An occurrence that finds no fitting message stays pending for the next one.
 */
class SlotSchedule {
  private readonly pending = new Map<SlotKind, number>();
  private readonly next = new Map<SlotKind, { j: number; at: number }>();

  constructor(
    private readonly seed: string,
    private readonly runId: string,
    private readonly trouble: TroubleRates,
  ) {
    for (const kind of SLOT_KINDS) if (this.rate(kind) > 0) this.next.set(kind, { j: 0, at: this.position(kind, 0) });
  }

  advanceTo(n: number): void {
    for (const [kind, occurrence] of this.next) {
      let { j, at } = occurrence;
      while (at <= n) {
        this.pending.set(kind, (this.pending.get(kind) ?? 0) + 1);
        j += 1;
        at = this.position(kind, j);
      }
      this.next.set(kind, { j, at });
    }
  }

  take<K extends SlotKind>(kinds: readonly K[]): K | null {
    for (const kind of kinds) {
      const count = this.pending.get(kind) ?? 0;
      if (count > 0) {
        this.pending.set(kind, count - 1);
        return kind;
      }
    }
    return null;
  }

  private rate(kind: SlotKind): number {
    return this.trouble[kind];
  }

  private position(kind: SlotKind, j: number): number {
    return Math.floor((j + rngFor(this.seed, this.runId, "slot", kind, j).next()) / this.rate(kind));
  }
}

function faultFor(kind: "oversize" | "malformed" | "badSignature", rng: Rng): Fault {
  switch (kind) {
    case "oversize":
      return { kind: "oversize" };
    case "malformed":
      return { kind: "malformed", variant: rng.weighted([["truncated", 3], ["no-event-id", 2], ["not-an-object", 1]] as const) };
    case "badSignature":
      // Another app's token (a migration gone wrong), a proxy that re-indented the JSON, no header at all.
      return { kind: "bad-signature", variant: rng.weighted([["wrong-token", 3], ["reformatted", 2], ["missing", 1]] as const) };
  }
}

function verifyRequest(seed: string, runId: string, n: number, trouble: TroubleRates): VerifyRequest {
  const rng = rngFor(seed, runId, "verify", n);
  const challenge = deterministicUuid(seed, runId, "challenge", n);
  if (rng.chance(trouble.verifyProbe)) {
    // A forged event as the "challenge": answering it would hand out a valid SC-Signature.
    return { challenge: JSON.stringify({ eventId: challenge, eventType: "VEHICLE_STATE" }), legacy: false, probe: true };
  }
  return { challenge, legacy: rng.chance(0.3), probe: false };
}

function lostAcks(rng: Rng, trouble: TroubleRates): number {
  if (!rng.chance(trouble.lostAck)) return 0;
  return rng.weighted([[1, 16], [2, 3], [3, 1]] as const);
}

/** Lets some messages be overtaken by up to eight later ones: Smartcar promises no order. */
function* reorder(source: Iterable<Draft>, { seed, runId, trouble }: TrafficOptions): Generator<Draft> {
  const rng = rngFor(seed, runId, "order");
  let held: { remaining: number; draft: Draft }[] = [];
  for (const draft of source) {
    if (rng.chance(trouble.outOfOrder)) {
      held.push({ remaining: rng.int(1, 8), draft });
      continue;
    }
    yield draft;
    for (const h of held) h.remaining -= 1;
    for (const h of held) if (h.remaining <= 0) yield h.draft;
    held = held.filter((h) => h.remaining > 0);
  }
  for (const h of held) yield h.draft;
}

function toMessage(draft: Draft, seed: string, runId: string, offsetMs: number): PlannedMessage {
  const eventId = eventIdFor(seed, runId, draft.n);
  const base = { n: draft.n, eventId, at: Math.round(draft.at + offsetMs), fault: draft.fault, lostAcks: draft.lostAcks };
  const { source } = draft;
  if (source.kind === "verify") {
    const template = verifyTemplate(seed, eventId, source.verify.challenge, source.verify.legacy);
    return { ...base, eventType: "VERIFY", vehicleId: null, mode: "LIVE", template, verify: source.verify };
  }
  const { report, mode } = source;
  const ctx = { seed, eventId, offsetMs, mode };
  const template = report.type === "VEHICLE_STATE" ? stateTemplate(report, ctx) : errorTemplate(report, ctx);
  return { ...base, eventType: report.type, vehicleId: report.vehicle.vehicleId, mode, template, verify: null };
}
