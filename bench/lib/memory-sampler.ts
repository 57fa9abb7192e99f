// Peak memory of the app's next-server process and of PostgreSQL (all its processes summed),
// sampled every 250 ms from /proc and kept per benchmark phase.
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

  const record = (component: string, key: string, rssKb: number, pssKb: number) => {
    const byPhase = (peaks[component] ??= {});
    const peak = (byPhase[key] ??= { rssMb: 0, pssMb: 0 });
    peak.rssMb = Math.max(peak.rssMb, Math.round(rssKb / 1024));
    peak.pssMb = Math.max(peak.pssMb, Math.round(pssKb / 1024));
  };

  const sample = () => {
    for (const [component, pids] of Object.entries(components)) {
      let rss = 0;
      let pss = 0;
      for (const pid of livePids(pids)) {
        const memory = processMemory(pid);
        rss += memory?.rssKb ?? 0;
        pss += memory?.pssKb ?? 0;
      }
      if (rss === 0) continue;
      record(component, phase, rss, pss);
      record(component, "overall", rss, pss);
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
      sample();
      return peaks;
    },
  };
}
