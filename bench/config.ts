// What a benchmark run does, from its command line. The defaults are the sizes; --quick
// shrinks everything for a smoke check. The seed is fixed so that runs compare.
import { parseArgs } from "node:util";
import type { DashboardSizes } from "./dashboard/seed";

export const SEED = "smartcar-bench-1";

export interface BenchConfig {
  mode: "full" | "quick";
  build: boolean;
  /** Run the receiver and processing load once more under `node --cpu-prof` and summarise where time goes. */
  profile: boolean;
  /** Concurrent connections of every receiver measurement (baselines included). */
  connections: number;
  duplicateShare: number;
  /** Vehicles behind each load feed (the simulator's 30-signal full-EV fleet). */
  feedVehicles: number;
  warmupRequests: number;
  /**
   * Maximum-throughput rounds. Each round sends one feed to (a), (b), (c) and the receiver in
   * turn, each for at most `roundSeconds`; every row reports its best round, because on a shared
   * machine other work only ever slows a run down.
   */
  rounds: number;
  roundSeconds: number;
  /** Each row's own warm-up, sent right before it is measured (the same for every row). */
  rowWarmupRequests: number;
  rowWarmupSeconds: number;
  /** Deliveries rendered per round: more than the fastest HTTP row sends in `roundSeconds`. */
  roundRequests: number;
  /** Fixed rates with processing live, as in production. */
  fixedRates: number[];
  /** Fixed rates with processing held back: the receiver's own latency. */
  fixedRatesHeld: number[];
  fixedRateSeconds: number;
  steadyRate: number;
  steadySeconds: number;
  burstEvents: number;
  dashboard: DashboardSizes;
  /** Timed requests per dashboard endpoint (after a warm-up). */
  dashboardSamples: number;
}

const FULL: BenchSizes = {
  mode: "full",
  connections: 20,
  duplicateShare: 0.05,
  feedVehicles: 1_000,
  warmupRequests: 1_000,
  rounds: 2,
  roundSeconds: 12,
  rowWarmupRequests: 4_000,
  rowWarmupSeconds: 4,
  roundRequests: 16_000,
  fixedRates: [100, 300, 600],
  fixedRatesHeld: [300],
  fixedRateSeconds: 20,
  steadyRate: 200,
  steadySeconds: 30,
  burstEvents: 10_000,
  dashboard: { events: 1_000_000, vehicles: 10_000, readings: 10_000_000 },
  dashboardSamples: 100,
};

const QUICK: BenchSizes = {
  ...FULL,
  mode: "quick",
  feedVehicles: 200,
  warmupRequests: 200,
  rounds: 1,
  roundSeconds: 4,
  rowWarmupRequests: 1_000,
  rowWarmupSeconds: 2,
  roundRequests: 5_000,
  fixedRateSeconds: 5,
  steadySeconds: 5,
  burstEvents: 1_000,
  dashboard: { events: 20_000, vehicles: 500, readings: 200_000 },
  dashboardSamples: 20,
};

export type BenchSizes = Omit<BenchConfig, "build" | "profile">;

/** What a results file records of the configuration: the sizes, not how the run was invoked. */
export function sizesOf({ build: _build, profile: _profile, ...sizes }: BenchConfig): BenchSizes {
  return sizes;
}

export const USAGE = `Usage: npm run bench [-- options]
  --quick            reduced sizes for a smoke check (results go to bench/results/quick/)
  --no-build         reuse the existing builds (.next-bench, bench/baseline-app/.next)
  --profile          also profile the app (node --cpu-prof) under receiver and processing load
  --events N         dashboard: events to generate      (default 1000000)
  --vehicles N       dashboard: vehicles to generate    (default 10000)
  --readings N       dashboard: signal readings         (default 10000000)`;

export function parseConfig(argv: string[]): BenchConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      "no-build": { type: "boolean", default: false },
      profile: { type: "boolean", default: false },
      events: { type: "string" },
      vehicles: { type: "string" },
      readings: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) throw new UsageError("");
  const base = values.quick ? QUICK : FULL;
  return {
    ...base,
    build: !values["no-build"],
    profile: values.profile,
    dashboard: {
      events: count(values.events, "--events") ?? base.dashboard.events,
      vehicles: count(values.vehicles, "--vehicles") ?? base.dashboard.vehicles,
      readings: count(values.readings, "--readings") ?? base.dashboard.readings,
    },
  };
}

export class UsageError extends Error {}

function count(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.replaceAll("_", ""));
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} needs a positive whole number, got "${value}"`);
  return n;
}
