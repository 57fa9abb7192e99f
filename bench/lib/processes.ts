// Linux /proc readers: process trees and memory, without shelling out to ps every 250 ms.
import { readdirSync, readFileSync } from "node:fs";
import { WORKER_BUNDLE } from "@/lib/runtime/worker-bundle";

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    // The process ended between listing and reading.
    return undefined;
  }
}

/** Parent pid from /proc/<pid>/stat; the command name in field 2 may hold spaces and parentheses. */
function parentOf(pid: number): number | undefined {
  const stat = readProc(pid, "stat");
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[1]);
}

function allPids(): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** Every live process below `root` (not `root` itself). */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of allPids()) {
    const parent = parentOf(pid);
    if (parent === undefined) continue;
    const list = children.get(parent) ?? [];
    list.push(pid);
    children.set(parent, list);
  }
  const found: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** The command line as shown by ps: Node's process.title rewrites it ("next-server (v16…)"). */
export function processName(pid: number): string {
  return (readProc(pid, "cmdline") ?? "").replaceAll("\0", " ").trim();
}

export interface ProcessMemory {
  /** Resident set (VmRSS): shared pages count in every process that touched them. */
  rssKb: number;
  /** Proportional set size: shared pages split between their users, so sums over processes are honest. Null when not read. */
  pssKb: number | null;
}

const RSS = /^VmRSS:\s+(\d+) kB/m;
const PSS = /^Pss:\s+(\d+) kB/m;

/** VmRSS, and PSS when asked: reading smaps_rollup walks the process's page tables under its memory lock, which stalls it. */
export function processMemory(pid: number, options: { pss: boolean }): ProcessMemory | undefined {
  const status = readProc(pid, "status");
  const rss = status?.match(RSS)?.[1];
  if (rss === undefined) return undefined;
  const pss = options.pss ? readProc(pid, "smaps_rollup")?.match(PSS)?.[1] : undefined;
  return { rssKb: Number(rss), pssKb: pss === undefined ? null : Number(pss) };
}

/** The executor workers (the bundle of scripts/worker.ts) a launcher runs below `launcherPid`. */
export function workerPidsUnder(launcherPid: number): number[] {
  return descendants(launcherPid).filter((pid) => processName(pid).endsWith(WORKER_BUNDLE));
}
