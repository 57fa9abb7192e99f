// Who used the CPU during a measurement: the app, PostgreSQL, the load generator (this process)
// and everything else on the machine. On a shared 2-core box "everything else" decides whether a
// number can be trusted, so every measured run reports it.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { descendants } from "./processes";

export type CpuGroups = Record<string, () => number[]>;

export interface CpuSnapshot {
  at: number;
  machineBusy: number;
  groups: Record<string, number>;
}

/** Cores used on average (1.0 = one core busy the whole time). */
export type CpuUse = Record<string, number>;

const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** Busy ticks of all CPUs since boot (everything but idle and iowait). */
function machineBusyTicks(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const [, ...fields] = line.trim().split(/\s+/).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return user + nice + system + irq + softirq + steal;
}

/**
 * utime + stime of a process plus cutime + cstime of its reaped children: a backend that ended
 * during the run still counts, through the parent that waited for it.
 */
function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
    return (fields[11] ?? 0) + (fields[12] ?? 0) + (fields[13] ?? 0) + (fields[14] ?? 0);
  } catch {
    return 0;
  }
}

/** A process and everything below it. */
export function tree(root: number): number[] {
  return [root, ...descendants(root)];
}

export function snapshot(groups: CpuGroups): CpuSnapshot {
  return {
    at: performance.now(),
    machineBusy: machineBusyTicks(),
    groups: Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, pids().reduce((sum, pid) => sum + processTicks(pid), 0)])),
  };
}

/** Average cores per group between two snapshots, plus `other`: busy CPU no group accounts for. */
export function cpuBetween(start: CpuSnapshot, end: CpuSnapshot): CpuUse {
  const seconds = (end.at - start.at) / 1000;
  const cores = (ticks: number) => Math.round((ticks / TICKS_PER_SECOND / seconds) * 100) / 100;
  const use: CpuUse = {};
  let ours = 0;
  for (const [name, ticks] of Object.entries(end.groups)) {
    const delta = Math.max(0, ticks - (start.groups[name] ?? 0));
    ours += delta;
    use[name] = cores(delta);
  }
  use.other = cores(Math.max(0, end.machineBusy - start.machineBusy - ours));
  use.machine = cores(end.machineBusy - start.machineBusy);
  return use;
}

/**
 * Waits until the named groups use less than `cores` together over one `windowMs` sample, at
 * most `maxMs`; returns the last sample's use. A server that was just loaded keeps working for
 * a while (V8 finishing GC and compilation): measured next to another row, that work would be
 * charged to the row's machine.
 */
export async function untilIdle(groups: CpuGroups, names: string[], { cores = 0.05, windowMs = 250, maxMs = 10_000 } = {}): Promise<number> {
  const watched = Object.fromEntries(names.filter((n) => n in groups).map((n) => [n, groups[n] as () => number[]]));
  const deadline = performance.now() + maxMs;
  for (;;) {
    const start = snapshot(watched);
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const use = cpuBetween(start, snapshot(watched));
    const busy = Math.round(names.reduce((sum, n) => sum + (use[n] ?? 0), 0) * 100) / 100;
    if (busy < cores || performance.now() >= deadline) return busy;
  }
}
