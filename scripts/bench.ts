// npm run bench [-- --quick | --no-build | --profile | --events N --vehicles N --readings N]
// Builds the product and the baselines, starts the product on a fresh embedded PostgreSQL and
// measures, in one run: the receiver against its ceilings, end-to-end processing, the dashboard
// at scale and peak memory. Results: bench/results/ (and README's "## Performance" after a full
// run). What each number means: bench/README.md.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { parseConfig, SEED, sizesOf, USAGE, UsageError, type BenchConfig } from "@/bench/config";
import { startApp, type RunningApp } from "@/bench/lib/app";
import { BASELINE_APP_DIR, buildBaselineApp, buildProduct, PRODUCT_DIST_DIR } from "@/bench/lib/build";
import { cpuBetween, snapshot, tree } from "@/bench/lib/cpu-meter";
import { describeMachine } from "@/bench/lib/machine";
import { startMemorySampler } from "@/bench/lib/memory-sampler";
import { startBenchDatabase } from "@/bench/lib/postgres";
import { round } from "@/bench/lib/stats";
import { Teardown } from "@/bench/lib/teardown";
import { runDashboardPhase } from "@/bench/phases/dashboard";
import { standardCpuGroups, type Harness } from "@/bench/phases/harness";
import { runProcessingPhase } from "@/bench/phases/processing";
import { runProfilePhase } from "@/bench/phases/profile";
import { runReceiverPhase } from "@/bench/phases/receiver";
import { processingTargets, receiverTargets, type BenchResult } from "@/bench/report/result";
import { writeResults } from "@/bench/report/write";

function note(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function builds(config: BenchConfig): Promise<BenchResult["run"]["buildS"]> {
  if (!config.build) {
    for (const dir of [PRODUCT_DIST_DIR, path.join(BASELINE_APP_DIR, ".next")]) {
      if (!existsSync(path.join(dir, "BUILD_ID"))) throw new UsageError(`--no-build, but ${dir} holds no build: run once without it`);
    }
    return null;
  }
  note(`building the product into ${PRODUCT_DIST_DIR}`);
  const product = await buildProduct();
  note(`building the baseline app (${BASELINE_APP_DIR})`);
  return { product: round(product, 1), baselineApp: round(buildBaselineApp(), 1) };
}

async function run(config: BenchConfig): Promise<void> {
  const startedAt = new Date();
  const buildS = await builds(config);
  const workDir = mkdtempSync(path.join(os.tmpdir(), "smartcar-bench-run-"));
  note(`logs of this run: ${workDir}`);
  const teardown = new Teardown();
  teardown.onInterrupt();
  let succeeded = false;
  try {
    const db = await startBenchDatabase();
    teardown.add(() => db.stop());
    const app = await startApp({ databaseUrl: db.url, distDir: PRODUCT_DIST_DIR, dataDir: db.dataDir, logFile: path.join(workDir, "app.log") });
    teardown.add(() => app.stop());
    let current: RunningApp = app;
    const sql = new pg.Client({ connectionString: db.url, application_name: "smartcar-bench" });
    await sql.connect();
    teardown.add(() => sql.end());
    const machine = await describeMachine(sql);
    const memory = startMemorySampler({
      app: () => [current.serverPid],
      workers: () => current.workerPids(),
      appTotal: () => [current.serverPid, ...current.workerPids()],
      postgres: () => tree(db.postmasterPid()),
    });
    teardown.add(async () => memory.stop());
    const h: Harness = { config, db, app, sql, memory, cpuGroups: standardCpuGroups(() => current, db), workDir, teardown, note };
    const otherCpuCores: Record<string, number> = {};
    const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      note(`— ${name} —`);
      memory.enterPhase(name);
      const start = snapshot(h.cpuGroups);
      const result = await work();
      otherCpuCores[name] = cpuBetween(start, snapshot(h.cpuGroups)).other ?? 0;
      return result;
    };

    const receiver = await phase("receiver", () => runReceiverPhase(h));
    const processing = await phase("processing", () => runProcessingPhase(h, receiver.backlogDrain));
    const dashboard = await phase("dashboard", () => runDashboardPhase(h));
    const peaks = memory.stop();
    await app.stop();
    const profile = config.profile
      ? await runProfilePhase(h, (profiledApp) => {
          current = profiledApp;
        })
      : undefined;

    const finishedAt = new Date();
    const result: BenchResult = {
      run: {
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        durationS: round((finishedAt.getTime() - startedAt.getTime()) / 1000, 0),
        mode: config.mode,
        seed: SEED,
        config: sizesOf(config),
        buildS,
      },
      machine: { ...machine, otherCpuCores },
      receiver: { ...receiver.receiver, targets: receiverTargets(receiver.receiver, machine) },
      processing: { ...processing, targets: processingTargets(processing) },
      dashboard,
      memory: { app: peaks.app ?? {}, workers: peaks.workers ?? {}, appTotal: peaks.appTotal ?? {}, postgres: peaks.postgres ?? {} },
      ...(profile ? { profile } : {}),
    };
    const written = writeResults(result);
    note(`done in ${result.run.durationS} s; wrote ${written.files.join(", ")}`);
    for (const t of [...result.receiver.targets, ...result.processing.targets]) note(`  ${t.met ? "met   " : "MISSED"} ${t.target}: ${t.measured}`);
    succeeded = true;
  } finally {
    await teardown.run();
    // A failed run keeps its logs (app, baseline app) for a look.
    if (succeeded) rmSync(workDir, { recursive: true, force: true });
    else note(`logs kept in ${workDir}`);
  }
}

async function main(): Promise<void> {
  let config: BenchConfig;
  try {
    config = parseConfig(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof TypeError)) throw error;
    if (error.message) process.stderr.write(`bench: ${error.message}\n\n`);
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  await run(config);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
