// The fleet as Smartcar reports it: every vehicle's life (vehicle-life.ts) sampled into webhook
// reports at its own cadence and at every change, with per-signal oemUpdatedAt, failed signals
// and vehicle-level error episodes. Times are milliseconds from the start of the simulation;
// the caller shifts them onto the wall clock (plan.ts).
import type { SignalCode } from "./catalog";
import type { VehicleProfile } from "./fleet";
import { MinHeap } from "./min-heap";
import { rngFor, type Rng } from "./random";
import type { TroubleRates } from "./scenarios";
import { STATIC_SIGNALS, signalBody } from "./signal-bodies";
import { advance, isCharging, nextAgendaAt, runAgenda, startLife, type VehicleLife } from "./vehicle-life";

export interface SignalError {
  type: string;
  code: string | null;
}

/** A failed signal carries its error instead of a body, and no timestamps. */
export type ReportedSignal =
  | { code: SignalCode; body: Record<string, unknown>; error: null; oemUpdatedAt: number; fetchedAt: number }
  | { code: SignalCode; body: null; error: SignalError; oemUpdatedAt: null; fetchedAt: null };

export interface StateReport {
  type: "VEHICLE_STATE";
  vehicle: VehicleProfile;
  at: number;
  signals: ReportedSignal[];
  /** The signals whose change caused this report (ignored when firstDelivery). */
  triggers: SignalCode[];
  firstDelivery: boolean;
}

export interface ReportedError {
  type: string;
  code: string | null;
  /** null: the field is left out, as some real payloads do (it then means ERROR). */
  state: "ERROR" | "RESOLVED" | null;
  description: string;
  resolution: string | null;
  signals: SignalCode[];
  /** Real payloads name signals as objects, or as dotted strings like "Location.PreciseLocation". */
  signalFormat: "objects" | "strings";
}

export interface ErrorReport {
  type: "VEHICLE_ERROR";
  vehicle: VehicleProfile;
  at: number;
  errors: ReportedError[];
}

export type FleetReport = StateReport | ErrorReport;

interface EpisodeKind {
  type: string;
  /** The spelling the best-practices page uses; real traffic mostly does not (CONTRACT.md §5). */
  altType?: string;
  code: string | null;
  resolution: string;
  opened: string;
  resolved: string;
  minutes: readonly [number, number];
  /** While open, Smartcar cannot read the vehicle: no VEHICLE_STATE until it resolves. */
  silencesState: boolean;
  /** While open, these signals fail with this error inside VEHICLE_STATE instead. */
  failsSignals?: readonly SignalCode[];
  /** Resolved by the owner re-connecting: the next VEHICLE_STATE is a FIRST_DELIVERY. */
  resubscribes?: boolean;
  onlyWhenAsleep?: boolean;
  weight: number;
}

const EPISODES: readonly EpisodeKind[] = [
  { type: "VEHICLE_STATE", code: "UNREACHABLE", resolution: "RETRY_LATER", opened: "The vehicle is unreachable.", resolved: "The vehicle is now reachable.", minutes: [5, 30], silencesState: true, weight: 3 },
  { type: "VEHICLE_STATE", code: "ASLEEP", resolution: "RETRY_LATER", opened: "The vehicle is asleep and did not wake up.", resolved: "The vehicle woke up.", minutes: [5, 20], silencesState: true, onlyWhenAsleep: true, weight: 2 },
  { type: "UPSTREAM", altType: "UPSTREAM_ERROR", code: "NO_RESPONSE", resolution: "RETRY_LATER", opened: "The manufacturer's servers did not respond.", resolved: "The manufacturer's servers respond again.", minutes: [3, 15], silencesState: true, weight: 3 },
  { type: "RATE_LIMIT", code: "VEHICLE", resolution: "RETRY_LATER", opened: "Too many requests were made to this vehicle.", resolved: "Requests to this vehicle are accepted again.", minutes: [2, 10], silencesState: true, weight: 1 },
  { type: "CONNECTED_SERVICES_ACCOUNT", code: "AUTHENTICATION_FAILED", resolution: "REAUTHENTICATE", opened: "The owner's connected-services credentials are no longer valid.", resolved: "The owner re-connected the vehicle.", minutes: [10, 45], silencesState: true, resubscribes: true, weight: 1 },
  { type: "PERMISSION", altType: "PERMISSION_ERROR", code: null, resolution: "REAUTHENTICATE", opened: "Required permission not granted by user.", resolved: "The permission was granted.", minutes: [10, 40], silencesState: false, failsSignals: ["location-preciselocation"], weight: 1 },
];

const TRANSIENT_SIGNAL_ERRORS: readonly (readonly [SignalError, number])[] = [
  [{ type: "UPSTREAM", code: "NO_RESPONSE" }, 4],
  [{ type: "UPSTREAM", code: "INVALID_DATA" }, 1],
  [{ type: "SERVER", code: "INTERNAL" }, 2],
  [{ type: "RATE_LIMIT", code: "VEHICLE" }, 2],
];

// Which changed signal Smartcar names as the trigger when several changed at once.
const TRIGGER_PRIORITY: readonly SignalCode[] = [
  "charge-ischarging",
  "charge-ischargingcableconnected",
  "charge-detailedchargingstatus",
  "closure-islocked",
  "connectivitystatus-isasleep",
  "tractionbattery-stateofcharge",
  "internalcombustionengine-fuellevel",
  "location-preciselocation",
  "odometer-traveleddistance",
  "charge-wattage",
  "closure-doors",
  "closure-windows",
  "lowvoltagebattery-stateofcharge",
  "wheel-tires",
];

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

interface OpenEpisode {
  kind: EpisodeKind;
  report: ReportedError;
}

type Extra = { at: number; kind: "resolve" } | { at: number; kind: "redetect"; error: ReportedError };

interface Reporter {
  life: VehicleLife;
  rng: Rng;
  trouble: TroubleRates;
  /** Last successful body (as JSON) and its oemUpdatedAt per signal. */
  memory: Map<SignalCode, { json: string; changedAt: number }>;
  nextPeriodicAt: number;
  firstDelivery: boolean;
  episode: OpenEpisode | null;
  extras: Extra[];
  announcedIncapable: boolean;
}

export interface TimelineOptions {
  seed: string;
  runId: string;
  fleet: readonly VehicleProfile[];
  trouble: TroubleRates;
}

/** Reports of the whole fleet in time order, forever; take as many as needed. */
export function* fleetTimeline({ seed, runId, fleet, trouble }: TimelineOptions): Generator<FleetReport> {
  const reporters = fleet.map((vehicle) => createReporter(vehicle, trouble, seed, runId));
  const queue = new MinHeap<Reporter>();
  for (const reporter of reporters) queue.push(nextTickAt(reporter), reporter.life.profile.index, reporter);
  for (;;) {
    const reporter = queue.pop();
    if (!reporter) return;
    yield* tick(reporter);
    queue.push(nextTickAt(reporter), reporter.life.profile.index, reporter);
  }
}

function createReporter(vehicle: VehicleProfile, trouble: TroubleRates, seed: string, runId: string): Reporter {
  // Physics and reporting draw from separate streams: a scenario that adds failures must not
  // change where the cars drive.
  const life = startLife(vehicle, rngFor(seed, runId, "life", vehicle.index));
  const rng = rngFor(seed, runId, "reports", vehicle.index);
  return {
    life,
    rng,
    trouble,
    memory: new Map(),
    // Subscribing makes Smartcar send a FIRST_DELIVERY soon after.
    nextPeriodicAt: rng.float(0, 2 * MINUTE),
    firstDelivery: true,
    episode: null,
    extras: [],
    announcedIncapable: false,
  };
}

function nextTickAt(r: Reporter): number {
  return Math.min(nextAgendaAt(r.life), r.nextPeriodicAt, r.extras[0]?.at ?? Number.POSITIVE_INFINITY);
}

function tick(r: Reporter): FleetReport[] {
  const at = nextTickAt(r);
  const extra = r.extras[0];
  const reports: FleetReport[] = [];
  if (nextAgendaAt(r.life) === at) {
    runAgenda(r.life);
  } else if (extra && extra.at === at) {
    r.extras.shift();
    advance(r.life, at);
    // A re-detection is only the error again; it is not a reason to read the vehicle.
    if (extra.kind === "redetect") return [errorReport(r, at, [extra.error])];
    reports.push(...resolveEpisode(r, at));
  } else {
    advance(r.life, at);
    const opened = maybeOpenEpisode(r, at);
    if (opened) reports.push(opened);
  }
  r.nextPeriodicAt = at + cadenceMs(r) * r.rng.float(0.8, 1.2);
  if (r.episode?.kind.silencesState) return reports;
  const state = stateReport(r, at);
  if (state) reports.push(state);
  if (state?.firstDelivery && !r.announcedIncapable && r.trouble.unsupportedSignals && r.life.profile.notCapable.length > 0) {
    r.announcedIncapable = true;
    reports.push(errorReport(r, at, [incapableError(r.life.profile)]));
  }
  return reports;
}

function cadenceMs({ life }: Reporter): number {
  const { cadenceS } = life.profile.spec;
  if (life.state.trip) return cadenceS.driving * SECOND;
  if (isCharging(life.state)) return cadenceS.charging * SECOND;
  return cadenceS.parked * SECOND;
}

function stateReport(r: Reporter, at: number): StateReport | null {
  const { profile, state } = r.life;
  const failures = transientFailures(r);
  const fetchDelay = r.rng.int(1_200, 2_800);
  const changed: SignalCode[] = [];
  const signals: ReportedSignal[] = [];
  for (const code of profile.signals) {
    const incapable = profile.notCapable.includes(code);
    if (incapable && !r.trouble.unsupportedSignals) continue;
    const fetchedAt = at + fetchDelay + r.rng.int(0, 150);
    const error = incapable ? { type: "COMPATIBILITY", code: "VEHICLE_NOT_CAPABLE" } : failures.get(code);
    if (error) {
      signals.push({ code, body: null, error, oemUpdatedAt: null, fetchedAt: null });
      continue;
    }
    const body = signalBody(code, state, profile);
    const json = JSON.stringify(body);
    const previous = r.memory.get(code);
    let changedAt = previous?.changedAt ?? firstSeenAt(r, code, at);
    if (previous && previous.json !== json) {
      // The OEM stamped the change a little before Smartcar read it; never earlier than the last stamp.
      changedAt = Math.max(previous.changedAt + 1, at - r.rng.int(0, 15 * SECOND));
      changed.push(code);
    }
    r.memory.set(code, { json, changedAt });
    signals.push({ code, body, error: null, oemUpdatedAt: Math.round(changedAt), fetchedAt: Math.round(fetchedAt) });
  }
  const firstDelivery = r.firstDelivery;
  // Webhooks fire on change: a parked car whose readings did not move sends nothing.
  if (!firstDelivery && changed.length === 0) return null;
  r.firstDelivery = false;
  const triggers = TRIGGER_PRIORITY.filter((code) => changed.includes(code)).slice(0, r.rng.int(1, 2));
  return { type: "VEHICLE_STATE", vehicle: profile, at, signals, triggers: triggers.length > 0 ? triggers : changed.slice(0, 1), firstDelivery };
}

function firstSeenAt(r: Reporter, code: SignalCode, at: number): number {
  return STATIC_SIGNALS.has(code) ? at - r.rng.float(1, 30) * DAY : at - r.rng.float(0, 20) * MINUTE;
}

function transientFailures(r: Reporter): Map<SignalCode, SignalError> {
  const failures = new Map<SignalCode, SignalError>();
  const episode = r.episode?.kind;
  // Inside VEHICLE_STATE the canonical spelling is used, whatever the VEHICLE_ERROR said.
  for (const code of episode?.failsSignals ?? []) failures.set(code, { type: episode?.type ?? "PERMISSION", code: episode?.code ?? null });
  if (!r.rng.chance(r.trouble.signalFailure)) return failures;
  // The VIN never fails in practice: it is cached by Smartcar.
  const candidates = r.life.profile.signals.filter((code) => code !== "vehicleidentification-vin");
  const count = r.rng.int(1, 3);
  for (let i = 0; i < count; i++) {
    const error = r.life.state.asleep && r.rng.chance(0.3) ? { type: "VEHICLE_STATE", code: "ASLEEP" } : r.rng.weighted(TRANSIENT_SIGNAL_ERRORS);
    failures.set(r.rng.pick(candidates), error);
  }
  return failures;
}

function maybeOpenEpisode(r: Reporter, at: number): ErrorReport | null {
  if (r.episode || r.firstDelivery || !r.rng.chance(r.trouble.vehicleErrors)) return null;
  const eligible = EPISODES.filter((kind) => !kind.onlyWhenAsleep || r.life.state.asleep);
  const kind = r.rng.weighted(eligible.map((k) => [k, k.weight] as const));
  const report: ReportedError = {
    type: kind.altType && r.rng.chance(0.2) ? kind.altType : kind.type,
    code: kind.code,
    state: r.rng.chance(0.15) ? null : "ERROR",
    description: kind.opened,
    resolution: kind.resolution,
    signals: kind.failsSignals ? [...kind.failsSignals] : kind.code === "UNREACHABLE" ? ["location-preciselocation"] : [],
    signalFormat: kind.failsSignals && r.rng.chance(0.5) ? "strings" : "objects",
  };
  r.episode = { kind, report };
  scheduleExtra(r, { at: at + r.rng.float(kind.minutes[0], kind.minutes[1]) * MINUTE, kind: "resolve" });
  if (r.rng.chance(r.trouble.errorRedetect)) scheduleExtra(r, { at: at + r.rng.float(2, 20) * SECOND, kind: "redetect", error: report });
  return errorReport(r, at, [report]);
}

function resolveEpisode(r: Reporter, at: number): FleetReport[] {
  const episode = r.episode;
  if (!episode) return [];
  r.episode = null;
  if (episode.kind.resubscribes) r.firstDelivery = true;
  return [errorReport(r, at, [{ ...episode.report, state: "RESOLVED", description: episode.kind.resolved }])];
}

function incapableError(profile: VehicleProfile): ReportedError {
  return {
    type: "COMPATIBILITY",
    code: "VEHICLE_NOT_CAPABLE",
    state: "ERROR",
    description: "The vehicle is incapable of performing your request.",
    resolution: "CONTACT_SUPPORT",
    signals: [...profile.notCapable],
    signalFormat: "objects",
  };
}

function errorReport(r: Reporter, at: number, errors: ReportedError[]): ErrorReport {
  return { type: "VEHICLE_ERROR", vehicle: r.life.profile, at, errors };
}

function scheduleExtra(r: Reporter, extra: Extra): void {
  const index = r.extras.findIndex((e) => e.at > extra.at);
  r.extras.splice(index === -1 ? r.extras.length : index, 0, extra);
}
