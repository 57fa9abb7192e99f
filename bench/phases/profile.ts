// --profile: the production server once more under `node --cpu-prof`, first receiving at full
// speed with processing held back, then processing that backlog with nothing else to do — one
// profile each, summarised by source file and package. Separate from the measured runs:
// profiling slows the app, so none of its numbers are reported as throughput.
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { startServerWithFlags, type RunningApp } from "@/bench/lib/app";
import { PRODUCT_DIST_DIR } from "@/bench/lib/build";
import { eventTimes, summarizeProcessing, waitUntilFinal, type ProcessingRun } from "@/bench/lib/event-timings";
import { holdProcessing, releaseProcessing } from "@/bench/lib/processing-gate";
import { withClient } from "@/bench/lib/postgres";
import { closedLoop, type LoadResult } from "@/bench/load/http-load";
import { summarizeProfile, type CpuProfile, type ProfileSummary } from "@/bench/profile/summarize";
import { RESULTS_DIR, runStamp } from "@/bench/report/write";
import { eventIdsOf, feed, type Harness } from "./harness";
import { RECEIVER_PATH } from "./receiver";

export interface ProfileResult {
  receiver: { load: LoadResult; profile: ProfileSummary; file: string };
  processing: { drain: ProcessingRun; profile: ProfileSummary; file: string };
}

interface ProfiledWork<T> {
  /** Runs before the profiled window opens (a warm-up). */
  prepare?: (app: RunningApp) => Promise<unknown>;
  work: (app: RunningApp) => Promise<T>;
}

const hrtimeUs = () => Number(process.hrtime.bigint() / 1000n);

/**
 * Starts a profiled server, runs `work` against it, stops it and summarises the samples taken
 * while `work` ran (the profile's clock is process.hrtime's): start-up and warm-up are left out.
 */
async function profiled<T>(h: Harness, label: string, setApp: (app: RunningApp) => void, steps: ProfiledWork<T>) {
  const dir = path.join(h.workDir, `profile-${label}`);
  mkdirSync(dir, { recursive: true });
  const app = await startServerWithFlags(
    { databaseUrl: h.db.url, distDir: PRODUCT_DIST_DIR, dataDir: h.db.dataDir, logFile: path.join(h.workDir, `app-profile-${label}.log`) },
    ["--cpu-prof", `--cpu-prof-dir=${dir}`],
  );
  h.teardown.add(() => app.stop());
  setApp(app);
  await steps.prepare?.(app);
  const fromUs = hrtimeUs();
  const result = await steps.work(app);
  const toUs = hrtimeUs();
  await app.stop();
  // The profile's file name carries the pid of the process it profiled.
  const file = readdirSync(dir).find((name) => name.includes(`.${app.serverPid}.`));
  if (!file) throw new Error(`no CPU profile of next-server (pid ${app.serverPid}) in ${dir}`);
  const kept = path.join(RESULTS_DIR, "profiles", `${runStamp(new Date().toISOString())}-${label}.cpuprofile`);
  mkdirSync(path.dirname(kept), { recursive: true });
  copyFileSync(path.join(dir, file), kept);
  const profile = JSON.parse(readFileSync(kept, "utf8")) as CpuProfile;
  return { result, profile: summarizeProfile(profile, { fromUs, toUs }), file: kept };
}

export async function runProfilePhase(h: Harness, setApp: (app: RunningApp) => void): Promise<ProfileResult> {
  const { config } = h;
  const receiverFeed = feed(h, "profile-receiver", config.maxRequests);
  const warmup = feed(h, "profile-warmup", config.warmupRequests);
  const send = (app: RunningApp, f: typeof warmup) => closedLoop({ url: `${app.url}${RECEIVER_PATH}`, feed: f, connections: config.connections });
  await withClient(h.db.url, holdProcessing);

  h.note("profiling the receiver (processing held back)");
  const receiver = await profiled(h, "receiver", setApp, { prepare: (app) => send(app, warmup), work: (app) => send(app, receiverFeed) });

  h.note("profiling processing of that backlog");
  const ids = [...eventIdsOf(warmup), ...eventIdsOf(receiverFeed)];
  const processing = await profiled(h, "processing", setApp, {
    work: async () => {
      const released = await withClient(h.db.url, releaseProcessing);
      await waitUntilFinal(h.sql, ids, 600_000);
      return summarizeProcessing(await eventTimes(h.sql, ids), released.at);
    },
  });
  return {
    receiver: { load: receiver.result, profile: receiver.profile, file: receiver.file },
    processing: { drain: processing.result, profile: processing.profile, file: processing.file },
  };
}
