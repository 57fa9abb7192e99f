// Peak memory of the app's next-server process and of PostgreSQL (all its processes summed),
// sampled from /proc and kept per benchmark phase: VmRSS every 250 ms, PSS every 2 s (reading it
// stalls the process it reads, so sampling it as often cost the measured server throughput).
import { processMemory } from "./processes";

export interface MemoryPeak {
  /** Highest VmRSS seen (MB). For PostgreSQL: the highest sum over its processes. */
  rssMb: number;
  /** Highest proportional set size (MB): shared buffers counted once, not once per backend. */
  pssMb: number;
}

export type PhaseMemory = Record<string, MemoryPeak>;

export interface MemorySampler {
  /** Samples from now on count towards `phase` (and the overall peak). */
  enterPhase(phase: string): void;
  /** Stops sampling; returns the peaks per phase and overall, per component. */
  stop(): Record<string, PhaseMemory>;
}

export type Components = Record<string, () => number[]>;

const INTERVAL_MS = 250;
const PSS_EVERY = 8;

// A component that is gone (stopped, or between restarts) simply has no sample.
function livePids(pids: () => number[]): number[] {
  try {
    return pids();
  } catch {
    return [];
  }
}

export function startMemorySampler(components: Components): MemorySampler {
  const peaks: Record<string, PhaseMemory> = {};
  let phase = "startup";

  const record = (component: string, key: string, rssKb: number, pssKb: number | null) => {
    const byPhase = (peaks[component] ??= {});
    const peak = (byPhase[key] ??= { rssMb: 0, pssMb: 0 });
    peak.rssMb = Math.max(peak.rssMb, Math.round(rssKb / 1024));
    if (pssKb !== null) peak.pssMb = Math.max(peak.pssMb, Math.round(pssKb / 1024));
  };

  let samples = 0;
  const sample = () => {
    const withPss = samples % PSS_EVERY === 0;
    samples += 1;
    for (const [component, pids] of Object.entries(components)) {
      let rss = 0;
      let pss = 0;
      for (const pid of livePids(pids)) {
        const memory = processMemory(pid, { pss: withPss });
        rss += memory?.rssKb ?? 0;
        pss += memory?.pssKb ?? 0;
      }
      if (rss === 0) continue;
      record(component, phase, rss, withPss ? pss : null);
      record(component, "overall", rss, withPss ? pss : null);
    }
  };

  sample();
  const timer = setInterval(sample, INTERVAL_MS);
  timer.unref();
  return {
    enterPhase: (next) => {
      phase = next;
    },
    stop: () => {
      clearInterval(timer);
      samples = 0;
      sample();
      return peaks;
    },
  };
}
