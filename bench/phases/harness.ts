// What every phase works with: the running app and database, the feeds, and measure(), which
// wraps a run with the CPU accounting that says whether its numbers can be trusted.
import type pg from "pg";
import type { BenchConfig } from "@/bench/config";
import { SEED } from "@/bench/config";
import type { RunningApp } from "@/bench/lib/app";
import { BENCH_TOKEN } from "@/bench/lib/app";
import { cpuBetween, snapshot, tree, type CpuGroups, type CpuUse } from "@/bench/lib/cpu-meter";
import type { MemorySampler } from "@/bench/lib/memory-sampler";
import type { BenchDatabase } from "@/bench/lib/postgres";
import type { Teardown } from "@/bench/lib/teardown";
import { buildFeed, type Feed } from "@/bench/load/feed";

export interface Harness {
  config: BenchConfig;
  db: BenchDatabase;
  app: RunningApp;
  /** A session on the product database for the benchmark's own queries. */
  sql: pg.Client;
  memory: MemorySampler;
  /** Process groups whose CPU is accounted; phases add their own (the baseline app). */
  cpuGroups: CpuGroups;
  /** Logs and scratch files of this run. */
  workDir: string;
  /** Where a phase registers the stop of anything it starts. */
  teardown: Teardown;
  note(message: string): void;
}

export function standardCpuGroups(app: () => RunningApp, db: BenchDatabase): CpuGroups {
  return {
    app: () => tree(app().serverPid),
    workers: () => app().workerPids().flatMap(tree),
    postgres: () => tree(db.postmasterPid()),
    loadgen: () => [process.pid],
  };
}

/** Runs `fn` and reports the cores each process group used meanwhile. */
export async function measure<T>(h: Harness, fn: () => Promise<T>): Promise<{ result: T; cpu: CpuUse }> {
  const start = snapshot(h.cpuGroups);
  const result = await fn();
  return { result, cpu: cpuBetween(start, snapshot(h.cpuGroups)) };
}

export function feed(h: Harness, name: string, requests: number, duplicateShare = h.config.duplicateShare): Feed {
  const started = Date.now();
  const built = buildFeed({ seed: SEED, name, requests, vehicles: h.config.feedVehicles, duplicateShare, token: BENCH_TOKEN });
  h.note(`  feed ${name}: ${requests} deliveries (${built.uniqueEvents} events) rendered in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return built;
}

/** Distinct event ids of a feed's first `sent` deliveries. */
export function eventIdsOf(f: Feed, sent = f.deliveries.length): string[] {
  return [...new Set(f.deliveries.slice(0, sent).map((d) => d.eventId))];
}
