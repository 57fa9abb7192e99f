// The simulator from code: fleet → plan → send → summary. Used by `npm run simulate`,
// `npm run demo` and the benchmark; the generators below need no receiver at all.
import { createFleet, type FleetKind } from "./fleet";
import { planTraffic, type PlannedMessage, type TrafficBound } from "./plan";
import { combineScenarios, SCENARIOS, type ScenarioName } from "./scenarios";
import { sendTraffic } from "./sender";
import { summarise, type Summary, type Tally } from "./tally";

export interface SimulationOptions {
  url: string;
  token: string;
  vehicles: number;
  /** A number of messages, a span of fleet life, or a sending time at a fixed rate. */
  bound: TrafficBound | { durationMs: number };
  ratePerSecond: number | null;
  concurrency: number;
  scenarios: readonly ScenarioName[];
  seed: string;
  runId: string;
  retryDelaysMs: readonly number[];
  maxBodyBytes: number;
  timeoutMs?: number;
  onProgress?: (tally: Tally, waitingRetries: number) => void;
  /** Once per event, at the first 200 that stored it (see sendTraffic). */
  onAcknowledged?: (message: PlannedMessage) => void;
}

// Smartcar waits 15 s for an answer (CONTRACT.md §1).
const SMARTCAR_TIMEOUT_MS = 15_000;

export async function runSimulation(options: SimulationOptions): Promise<Summary> {
  const fleet = createFleet({ seed: options.seed, vehicles: options.vehicles });
  const startedAt = Date.now();
  const { bound, durationMs: duration } = resolveBound(options.bound, options.ratePerSecond);
  const messages = planTraffic({ seed: options.seed, runId: options.runId, fleet, trouble: combineScenarios(options.scenarios), bound, endAt: startedAt });
  const { tally, durationMs } = await sendTraffic({
    url: options.url,
    token: options.token,
    messages,
    concurrency: options.concurrency,
    ratePerSecond: options.ratePerSecond,
    retryDelaysMs: options.retryDelaysMs,
    timeoutMs: options.timeoutMs ?? SMARTCAR_TIMEOUT_MS,
    maxBodyBytes: options.maxBodyBytes,
    stopAt: duration === null ? undefined : startedAt + duration,
    onProgress: options.onProgress,
    onAcknowledged: options.onAcknowledged,
  });
  return summarise(tally, {
    url: options.url,
    scenario: options.scenarios.join(","),
    seed: options.seed,
    runId: options.runId,
    vehicles: options.vehicles,
    durationMs: Math.round(durationMs),
  });
}

// A duration at a rate is that many messages, stopped early if sending falls behind.
function resolveBound(bound: SimulationOptions["bound"], ratePerSecond: number | null): { bound: TrafficBound; durationMs: number | null } {
  if (!("durationMs" in bound)) return { bound, durationMs: null };
  return { bound: { count: Math.ceil(((ratePerSecond ?? 0) * bound.durationMs) / 1000) }, durationMs: bound.durationMs };
}

export interface GenerateOptions {
  seed: string;
  runId: string;
  vehicles: number;
  count: number;
  scenarios?: readonly ScenarioName[];
  fleetKind?: FleetKind;
  /** Newest reading's wall-clock time; defaults to now. */
  endAt?: number;
}

/** N planned messages for a fleet, as `simulate` would send them (default: the clean scenario). */
export function generateMessages(options: GenerateOptions): PlannedMessage[] {
  const fleet = createFleet({ seed: options.seed, vehicles: options.vehicles, kind: options.fleetKind });
  const trouble = combineScenarios(options.scenarios ?? ["clean"]);
  return [...planTraffic({ seed: options.seed, runId: options.runId, fleet, trouble, bound: { count: options.count }, endAt: options.endAt ?? Date.now() })];
}

/**
 * VEHICLE_STATE events with all 30 signals working (6–8 KB each), in order, with no retries or
 * reordering: the benchmark's payloads.
 */
export function thirtySignalStates(options: Omit<GenerateOptions, "scenarios" | "fleetKind">): PlannedMessage[] {
  const fleet = createFleet({ seed: options.seed, vehicles: options.vehicles, kind: "full-ev" });
  const trouble = { ...SCENARIOS.clean, lostAck: 0, outOfOrder: 0 };
  return [...planTraffic({ seed: options.seed, runId: options.runId, fleet, trouble, bound: { count: options.count }, endAt: options.endAt ?? Date.now() })];
}
