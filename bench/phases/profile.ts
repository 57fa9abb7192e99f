// --profile: the production server once more under `node --cpu-prof`, first receiving at full
// speed with processing held back, then processing that backlog with nothing else to do — and
// baseline (c) receiving the same way, so the receiver's extra cost per delivery shows by package
// and file. Summarised through the builds' source maps. Separate from the measured runs:
// profiling slows the servers, so none of its numbers are reported as throughput.
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { BENCH_TOKEN, startServerWithFlags, type RunningApp } from "@/bench/lib/app";
import { startBaselineApp } from "@/bench/lib/baseline-app";
import type { RunningServer } from "@/bench/lib/server-process";
import { PRODUCT_DIST_DIR } from "@/bench/lib/build";
import { eventTimes, summarizeProcessing, waitUntilFinal, type ProcessingRun } from "@/bench/lib/event-timings";
import { holdProcessing, releaseProcessing } from "@/bench/lib/processing-gate";
import { withClient } from "@/bench/lib/postgres";
import type { Feed } from "@/bench/load/feed";
import { closedLoop, type LoadResult } from "@/bench/load/http-load";
import { summarizeProfile, type CpuProfile, type ProfileSummary } from "@/bench/profile/summarize";
import { RESULTS_DIR, runStamp } from "@/bench/report/write";
import { eventIdsOf, feed, type Harness } from "./harness";
import { RECEIVER_PATH } from "./receiver";

export interface ProfileResult {
  receiver: { load: LoadResult; profile: ProfileSummary; file: string };
  /** Baseline (c), HMAC + the statement in a bare Next route, under the same load. */
  irreducible: { load: LoadResult; profile: ProfileSummary; file: string };
  processing: { drain: ProcessingRun; profile: ProfileSummary; file: string };
}

interface ProfiledWork<T> {
  /** Starts the server under the given Node flags. */
  start: (nodeFlags: string[], logFile: string) => Promise<RunningServer>;
  /** Runs before the profiled window opens (a warm-up). */
  prepare?: (server: RunningServer) => Promise<unknown>;
  work: (server: RunningServer) => Promise<T>;
}

const hrtimeUs = () => Number(process.hrtime.bigint() / 1000n);

/**
 * Starts a profiled server, runs `work` against it, stops it and summarises the samples taken
 * while `work` ran (the profile's clock is process.hrtime's): start-up and warm-up are left out.
 */
async function profiled<T>(h: Harness, label: string, steps: ProfiledWork<T>) {
  const dir = path.join(h.workDir, `profile-${label}`);
  mkdirSync(dir, { recursive: true });
  const app = await steps.start(["--cpu-prof", `--cpu-prof-dir=${dir}`], path.join(h.workDir, `profile-${label}.log`));
  h.teardown.add(() => app.stop());
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
  const maxSeconds = config.roundSeconds * 2;
  const product = (nodeFlags: string[], logFile: string) =>
    startServerWithFlags({ databaseUrl: h.db.url, distDir: PRODUCT_DIST_DIR, dataDir: h.db.dataDir, logFile }, nodeFlags).then((app) => {
      setApp(app);
      return app;
    });
  const send = (url: string, f: Feed) => closedLoop({ url, feed: f, connections: config.connections, maxSeconds });

  h.note("profiling baseline (c)");
  const irreducibleFeed = feed(h, "profile-irreducible", config.roundRequests);
  const irreducibleWarmup = feed(h, "profile-irreducible-warmup", config.warmupRequests);
  const irreducible = await profiled(h, "irreducible", {
    start: (nodeFlags, logFile) => startBaselineApp({ databaseUrl: h.db.baselineUrls.bench_irreducible, token: BENCH_TOKEN, logFile, nodeFlags }),
    prepare: (server) => send(`${server.url}/api/hmac-insert`, irreducibleWarmup),
    work: (server) => send(`${server.url}/api/hmac-insert`, irreducibleFeed),
  });

  h.note("profiling the receiver (processing held back)");
  const receiverFeed = feed(h, "profile-receiver", config.roundRequests);
  const warmup = feed(h, "profile-warmup", config.warmupRequests);
  await withClient(h.db.url, holdProcessing);
  const receiver = await profiled(h, "receiver", {
    start: product,
    prepare: (app) => send(`${app.url}${RECEIVER_PATH}`, warmup),
    work: (app) => send(`${app.url}${RECEIVER_PATH}`, receiverFeed),
  });

  h.note("profiling processing of that backlog");
  const ids = [...eventIdsOf(warmup), ...eventIdsOf(receiverFeed, receiver.result.sent)];
  const processing = await profiled(h, "processing", {
    start: product,
    work: async () => {
      const released = await withClient(h.db.url, releaseProcessing);
      await waitUntilFinal(h.sql, ids, 900_000);
      return summarizeProcessing(await eventTimes(h.sql, ids), released.at);
    },
  });
  return {
    receiver: { load: receiver.result, profile: receiver.profile, file: receiver.file },
    irreducible: { load: irreducible.result, profile: irreducible.profile, file: irreducible.file },
    processing: { drain: processing.result, profile: processing.profile, file: processing.file },
  };
}
