// The results file (bench/results/<date>.json): its shape, and the issue's targets checked
// against what was measured — reported as met or missed, never adjusted.
import type { BenchConfig, BenchSizes } from "@/bench/config";
import type { MachineInfo } from "@/bench/lib/machine";
import type { PhaseMemory } from "@/bench/lib/memory-sampler";
import type { DashboardResult } from "@/bench/phases/dashboard";
import type { ProfileResult } from "@/bench/phases/profile";
import type { ProcessingResult } from "@/bench/phases/processing";
import type { FixedRateRun, ReceiverResult } from "@/bench/phases/receiver";

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

export interface BenchResult {
  run: {
    startedAt: string;
    finishedAt: string;
    durationS: number;
    mode: BenchConfig["mode"];
    seed: string;
    config: BenchSizes;
    /** Seconds per build; null when the run reused existing builds. */
    buildS: { product: number; baselineApp: number } | null;
  };
  machine: MachineInfo & {
    /** Average cores used by processes outside the benchmark during each phase: high values mean noisy numbers. */
    otherCpuCores: Record<string, number>;
  };
  receiver: ReceiverResult & { targets: TargetCheck[] };
  processing: ProcessingResult & { targets: TargetCheck[] };
  dashboard: DashboardResult;
  /**
   * Peak memory per phase: the app's next-server process, its executor workers summed, server and
   * workers together (peak of the sum), and PostgreSQL's processes summed.
   */
  memory: { app: PhaseMemory; workers: PhaseMemory; appTotal: PhaseMemory; postgres: PhaseMemory };
  /** Where the app's CPU time goes (--profile only). */
  profile?: ProfileResult;
}

/** The dashboard issue's bar: every list and detail page answers within this server time. */
export const PAGE_BAR_MS = 150;

export const TOP_LEVEL_KEYS = ["run", "machine", "receiver", "processing", "dashboard", "memory"] as const;

const pct = (ratio: number) => `${Math.round(ratio * 1000) / 10} %`;

function p99At300(receiver: ReceiverResult, processing: FixedRateRun["processing"], label: string): TargetCheck {
  const run = receiver.fixedRates.find((r) => r.rate === 300 && r.processing === processing);
  const target = `p99 < 50 ms at 300/s, ${label}`;
  if (!run) return { target, measured: "not measured", met: false };
  return {
    target,
    measured: `${run.load.latencyMs.p99} ms${run.sustained ? "" : ` (rate not held: ${run.load.throughput}/s)`}`,
    met: run.sustained && run.load.latencyMs.p99 < 50,
  };
}

export function receiverTargets(receiver: ReceiverResult, machine: MachineInfo): TargetCheck[] {
  const syncCommit = machine.postgresSettings.synchronous_commit ?? "unknown";
  const overridden = machine.settingOverrides.some((s) => s.startsWith("synchronous_commit="));
  return [
    { target: "receiver ≥ 90 % of (c) HMAC + insert", measured: pct(receiver.ratios.receiverOverIrreducible), met: receiver.ratios.receiverOverIrreducible >= 0.9 },
    { target: "receiver ≥ 70 % of (b) bare Next route", measured: pct(receiver.ratios.receiverOverFramework), met: receiver.ratios.receiverOverFramework >= 0.7 },
    p99At300(receiver, "live", "processing live (as deployed)"),
    p99At300(receiver, "held", "receiver alone (processing held back)"),
    { target: "no 5xx while the database is healthy", measured: `${receiver.serverErrors} × 5xx`, met: receiver.serverErrors === 0 },
    { target: "synchronous_commit stays on", measured: overridden ? `${syncCommit}, overridden per database/role` : syncCommit, met: syncCommit === "on" && !overridden },
  ];
}

export function processingTargets(processing: ProcessingResult): TargetCheck[] {
  const { burst } = processing;
  return [
    { target: `${burst.events}-event burst drained in < 60 s`, measured: `${burst.drainS} s`, met: burst.notProcessed === 0 && burst.drainS < 60 },
    { target: "≥ 200 events/s sustained (burst)", measured: `${burst.eventsPerS} events/s`, met: burst.eventsPerS >= 200 },
  ];
}

/** What is wrong with a parsed results file, if anything: the checks readers of latest.json rely on. */
export function resultShapeErrors(value: unknown): string[] {
  if (typeof value !== "object" || value === null) return ["not an object"];
  const errors = TOP_LEVEL_KEYS.filter((key) => typeof Reflect.get(value, key) !== "object" || Reflect.get(value, key) === null).map((key) => `missing ${key}`);
  const receiver: unknown = Reflect.get(value, "receiver");
  if (typeof receiver === "object" && receiver !== null && !Array.isArray(Reflect.get(receiver, "targets"))) errors.push("receiver.targets is not a list");
  const dashboard: unknown = Reflect.get(value, "dashboard");
  if (typeof dashboard === "object" && dashboard !== null && !Array.isArray(Reflect.get(dashboard, "endpoints"))) errors.push("dashboard.endpoints is not a list");
  return errors;
}
