import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildWorkerBundle, hasWorkerBundle, workerBundlePath } from "@/lib/runtime/worker-bundle";

// The worker runs from a bundle of scripts/worker.ts (npm run build, or npm start when the build
// has none). workers.test.ts runs the real thing; this checks the bundle on its own: built where
// the launcher looks, complete (its packages resolve from node_modules), and nothing half-written.

describe("the executor worker's bundle", () => {
  // Inside the project, as a build directory is: the bundle's packages resolve from node_modules.
  const cacheDir = path.join(process.cwd(), "node_modules", ".cache");
  mkdirSync(cacheDir, { recursive: true });
  const distDir = mkdtempSync(path.join(cacheDir, "worker-bundle-"));
  afterAll(() => rmSync(distDir, { recursive: true, force: true }));

  it("is built into the build directory and runs under plain node", { timeout: 60_000 }, async () => {
    expect(hasWorkerBundle(distDir)).toBe(false);
    const file = await buildWorkerBundle(distDir);
    expect(file).toBe(workerBundlePath(distDir));
    expect(hasWorkerBundle(distDir)).toBe(true);
    expect(readdirSync(path.dirname(file))).toEqual(["worker.mjs"]);

    // Started by hand (no SMARTCAR_PROCESS_ROLE), the worker refuses: proof that every import
    // loaded and its own code ran, without a database.
    const run = spawnSync(process.execPath, [file], { env: { PATH: process.env.PATH, NODE_ENV: "production", LOG_LEVEL: "info" }, encoding: "utf8", timeout: 30_000 });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("the executor worker is started by `npm start`");
  });
});
