import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseCli } from "@/scripts/simulate/options";

const dataDir = mkdtempSync(path.join(os.tmpdir(), "simulate-options-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const env = { SMARTCAR_MANAGEMENT_TOKEN: "env-token", DATA_DIR: dataDir };

function run(argv: string[], environment: Record<string, string | undefined> = env) {
  const parsed = parseCli(argv, environment);
  if (parsed.kind !== "run") throw new Error(`expected options, got ${JSON.stringify(parsed)}`);
  return parsed.options;
}

function error(argv: string[], environment: Record<string, string | undefined> = env): string {
  const parsed = parseCli(argv, environment);
  return parsed.kind === "error" ? parsed.message : `no error (${parsed.kind})`;
}

describe("simulate options", () => {
  it("defaults to 200 mixed messages from 10 vehicles to the local app, with Smartcar's retry delays", () => {
    const { simulation, json, progress, reportPath } = run([], { ...env, PORT: "3456" });
    expect(simulation).toMatchObject({
      url: "http://127.0.0.1:3456/api/webhooks/smartcar",
      token: "env-token",
      vehicles: 10,
      bound: { count: 200 },
      ratePerSecond: null,
      concurrency: 8,
      scenarios: ["mixed"],
      seed: "1",
      retryDelaysMs: [25_000, 50_000, 100_000],
      maxBodyBytes: 65_536,
    });
    expect(simulation.runId).toMatch(/^[0-9a-f]{8}$/);
    expect(run([]).simulation.runId).not.toBe(simulation.runId);
    expect({ json, progress, reportPath }).toEqual({ json: false, progress: false, reportPath: null });
  });

  it("reads every option", () => {
    const { simulation, json, progress, reportPath } = run([
      "--url", "http://[::1]:4000/hook", "--vehicles", "3", "--count", "50", "--rate", "12.5", "--concurrency", "2",
      "--scenario", "bad-signatures,oversize", "--seed", "s", "--run-id", "r", "--retry-delays", "0.025,0.05,0.1", "--json", "--progress",
      "--report", "out/report.json",
    ], { ...env, WEBHOOK_MAX_BODY_BYTES: "1000" });
    expect(simulation).toMatchObject({
      url: "http://[::1]:4000/hook",
      vehicles: 3,
      bound: { count: 50 },
      ratePerSecond: 12.5,
      concurrency: 2,
      scenarios: ["bad-signatures", "oversize"],
      seed: "s",
      runId: "r",
      retryDelaysMs: [25, 50, 100],
      maxBodyBytes: 1000,
    });
    expect({ json, progress }).toEqual({ json: true, progress: true });
    expect(reportPath).toBe(path.resolve("out/report.json"));
  });

  it("takes a duration at a rate, or a span of fleet life, instead of a count", () => {
    expect(run(["--duration", "2m", "--rate", "5"]).simulation.bound).toEqual({ durationMs: 120_000 });
    expect(run(["--span", "1h"]).simulation.bound).toEqual({ spanMs: 3_600_000 });
    expect(run(["--span", "90"]).simulation.bound).toEqual({ spanMs: 90_000 });
    expect(run(["--span", "250ms"]).simulation.bound).toEqual({ spanMs: 250 });
  });

  it("falls back to the demo's token when none is configured", () => {
    expect(error([], { DATA_DIR: dataDir })).toMatch(/no management token/);
    writeFileSync(path.join(dataDir, "demo-token"), "demo-secret\n");
    expect(run([], { DATA_DIR: dataDir }).simulation.token).toBe("demo-secret");
    expect(run([], { ...env }).simulation.token).toBe("env-token");
  });

  it("refuses what it cannot honour, saying why", () => {
    expect(error(["--duration", "30s"])).toMatch(/--duration needs --rate/);
    expect(error(["--count", "5", "--span", "1h"])).toMatch(/one of --count, --duration and --span/);
    expect(error(["--scenario", "mixed,chaos"])).toMatch(/unknown scenario chaos/);
    expect(error(["--count", "0"])).toMatch(/--count wants a positive whole number/);
    expect(error(["--retry-delays", "25,x"])).toMatch(/--retry-delays/);
    expect(error(["--span", "soon"])).toMatch(/--span wants a time/);
    expect(error(["--bogus"])).toMatch(/bogus/);
    expect(error(["--report", " "])).toMatch(/--report wants a file name/);
    expect(parseCli(["--help"], env)).toEqual({ kind: "help" });
  });
});
