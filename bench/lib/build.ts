// Production builds for the benchmark, each in its own output directory so engineers building
// at the same time never share one: the product into .next-bench, the baselines into
// bench/baseline-app/.next.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildWorkerBundle } from "@/lib/runtime/worker-bundle";

export const PRODUCT_DIST_DIR = ".next-bench";
export const BASELINE_APP_DIR = path.join("bench", "baseline-app");

const nextBin = path.join(process.cwd(), "node_modules", "next", "dist", "bin", "next");

/** `npm run build` into PRODUCT_DIST_DIR: the Next build, then the worker bundle beside it. */
export async function buildProduct(): Promise<number> {
  const started = Date.now();
  timedBuild([], { NEXT_DIST_DIR: PRODUCT_DIST_DIR });
  await buildWorkerBundle(PRODUCT_DIST_DIR);
  return (Date.now() - started) / 1000;
}

export function buildBaselineApp(): number {
  return timedBuild([BASELINE_APP_DIR], {});
}

// `next build` adds its output directory's type folders to tsconfig.json's include list; that
// edit belongs to nobody's change, so the file is put back as it was.
function timedBuild(args: string[], env: Record<string, string>): number {
  const tsconfig = path.join(process.cwd(), "tsconfig.json");
  const before = readFileSync(tsconfig, "utf8");
  const started = Date.now();
  try {
    const build = spawnSync(process.execPath, [nextBin, "build", ...args], {
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, ...env, NEXT_TELEMETRY_DISABLED: "1" },
    });
    if (build.status !== 0) throw new Error(`next build ${args.join(" ")} failed with exit code ${build.status}`);
  } finally {
    if (readFileSync(tsconfig, "utf8") !== before) writeFileSync(tsconfig, before);
  }
  return (Date.now() - started) / 1000;
}
