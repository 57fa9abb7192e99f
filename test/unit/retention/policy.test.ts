import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/config";
import { advancePass, cutoffs, FULL_PASS_EVERY_MS, planPass, retentionSettings, type WalkState } from "@/lib/retention/policy";

const now = new Date("2026-03-01T12:00:00.000Z");
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);

describe("retention settings", () => {
  it("defaults to 30 days of payloads, 7 of precise location, a year of tombstones, 30 days of rejections, 90 of resolved alerts and a day of runs", () => {
    expect(retentionSettings(parseEnv({}))).toEqual({
      payloadDays: 30,
      locationDays: 7,
      tombstoneDays: 365,
      rejectionDays: 30,
      alertDays: 90,
      executorRunHours: 24,
      batchSize: 2_000,
      timeBudgetMs: 10_000,
    });
  });

  it("reads 0 as switched off, an empty value as the default, and refuses negatives and huge batches", () => {
    expect(parseEnv({ RETENTION_PAYLOAD_DAYS: "0", RETENTION_LOCATION_DAYS: "" })).toMatchObject({ RETENTION_PAYLOAD_DAYS: 0, RETENTION_LOCATION_DAYS: 7 });
    expect(() => parseEnv({ RETENTION_TOMBSTONE_DAYS: "-1" })).toThrow(/RETENTION_TOMBSTONE_DAYS/);
    expect(() => parseEnv({ RETENTION_BATCH_SIZE: "100000" })).toThrow(/RETENTION_BATCH_SIZE/);
    expect(() => parseEnv({ RETENTION_TIME_BUDGET_SECONDS: "0" })).toThrow(/RETENTION_TIME_BUDGET_SECONDS/);
  });

  it("turns periods into cutoffs, null where switched off", () => {
    const settings = retentionSettings(parseEnv({ RETENTION_REJECTION_DAYS: "0", RETENTION_ALERT_DAYS: "14", EXECUTOR_RUN_RETENTION_HOURS: "6" }));
    expect(cutoffs(settings, now)).toEqual({
      payloads: daysAgo(30),
      locations: daysAgo(7),
      tombstones: daysAgo(365),
      rejections: null,
      alerts: daysAgo(14),
      executorRuns: new Date(now.getTime() - 6 * 3_600_000),
    });
  });
});

describe("walk passes", () => {
  const cutoff = daysAgo(7);
  const done = (to: Date, fullPassStartedAt: Date): WalkState => ({ from: null, to, position: { at: daysAgo(8), id: "x" }, done: true, fullPassStartedAt });

  it("starts with a full pass from the beginning", () => {
    expect(planPass(null, cutoff, now)).toEqual({ from: null, to: cutoff, position: null, done: false, fullPassStartedAt: now });
  });

  it("goes on with a pass that is not finished, whatever the cutoff says now", () => {
    const running: WalkState = { from: daysAgo(9), to: daysAgo(8), position: { at: daysAgo(8.5), id: "e" }, done: false, fullPassStartedAt: daysAgo(0.5) };
    expect(planPass(running, cutoff, now)).toBe(running);
  });

  it("after a pass, covers only what aged past the cutoff since, and nothing when the cutoff has not moved", () => {
    const last = done(daysAgo(7.1), daysAgo(0.5));
    expect(planPass(last, cutoff, now)).toEqual({ from: daysAgo(7.1), to: cutoff, position: null, done: false, fullPassStartedAt: daysAgo(0.5) });
    expect(planPass(done(cutoff, daysAgo(0.5)), cutoff, now)).toBeNull();
  });

  it("starts a full pass again once a day, to catch rows that became due behind the walk", () => {
    const stale = done(cutoff, new Date(now.getTime() - FULL_PASS_EVERY_MS));
    expect(planPass(stale, cutoff, now)).toEqual({ from: null, to: cutoff, position: null, done: false, fullPassStartedAt: now });
  });

  it("moves the position after a batch and ends the pass on a short batch", () => {
    const pass = planPass(null, cutoff, now);
    if (!pass) throw new Error("expected a pass");
    const full = advancePass(pass, { walked: 100, last: { at: daysAgo(20), id: "e-100" } }, 100);
    expect(full).toMatchObject({ position: { at: daysAgo(20), id: "e-100" }, done: false });
    expect(advancePass(full, { walked: 0, last: null }, 100)).toMatchObject({ position: { at: daysAgo(20), id: "e-100" }, done: true });
  });
});
