import { describe, expect, it } from "vitest";
import { createFailureGate } from "@/inngest/embedded/failure-gate";
import { parseEnv, spoolSettings } from "@/lib/config";
import { isUnavailableError } from "@/lib/db/error-code";
import { createCircuitBreaker } from "@/lib/ingest/circuit-breaker";
import { outageMode } from "@/lib/ingest/outage-windows";

describe("spoolSettings", () => {
  it("spools under the data dir by default, but not on Vercel (no durable disk)", () => {
    expect(spoolSettings(parseEnv({}))).toEqual({ enabled: true, dir: ".data/spool", maxBytes: 1024 * 1024 * 1024 });
    expect(spoolSettings(parseEnv({ DATA_DIR: "/var/lib/monitor/" })).dir).toBe("/var/lib/monitor/spool");
    expect(spoolSettings(parseEnv({ VERCEL: "1" })).enabled).toBe(false);
  });

  it("lets SPOOL_ENABLED, SPOOL_DIR and SPOOL_MAX_BYTES override, and rejects nonsense", () => {
    expect(spoolSettings(parseEnv({ VERCEL: "1", SPOOL_ENABLED: "true", SPOOL_DIR: "/mnt/spool", SPOOL_MAX_BYTES: "1000" }))).toEqual({ enabled: true, dir: "/mnt/spool", maxBytes: 1000 });
    expect(spoolSettings(parseEnv({ SPOOL_ENABLED: "0" })).enabled).toBe(false);
    expect(spoolSettings(parseEnv({ SPOOL_ENABLED: "" })).enabled).toBe(true);
    expect(() => parseEnv({ SPOOL_ENABLED: "yes" })).toThrow(/SPOOL_ENABLED/);
    expect(() => parseEnv({ SPOOL_MAX_BYTES: "0" })).toThrow(/SPOOL_MAX_BYTES/);
    expect(parseEnv({}).SHUTDOWN_TIMEOUT_MS).toBe(8_000);
  });
});

describe("outageMode", () => {
  it("is refused as soon as one delivery was refused, spooled when deliveries were only spooled", () => {
    expect(outageMode({ refused: 0, spooled: 12, spoolEnabled: true })).toBe("spooled");
    expect(outageMode({ refused: 1, spooled: 12, spoolEnabled: true })).toBe("refused");
    expect(outageMode({ refused: 3, spooled: 0, spoolEnabled: false })).toBe("refused");
  });

  it("takes the receiver's mode for a window that saw no delivery", () => {
    expect(outageMode({ refused: 0, spooled: 0, spoolEnabled: true })).toBe("spooled");
    expect(outageMode({ refused: 0, spooled: 0, spoolEnabled: false })).toBe("refused");
  });
});

describe("circuit breaker transitions", () => {
  it("reports each opening and closing once, and ignores successes of calls started before it opened", () => {
    const events: string[] = [];
    const breaker = createCircuitBreaker({ probeMs: 1_000, onOpen: (at) => events.push(`open@${at.getTime()}`), onClose: (at) => events.push(`close@${at.getTime()}`) });
    breaker.succeeded(5, 5);
    breaker.failed(10);
    breaker.failed(20);
    // A statement that started before the opening and finished after it proves nothing.
    breaker.succeeded(8, 30);
    expect(breaker.state).toBe("open");
    expect(breaker.allow(500)).toBe(false);
    expect(breaker.allow(1_020)).toBe(true);
    expect(breaker.allow(1_021)).toBe(false);
    breaker.succeeded(1_025, 1_030);
    breaker.succeeded(1_035, 1_040);
    expect(events).toEqual(["open@10", "close@1030"]);
    expect(breaker.state).toBe("closed");
  });
});

describe("isUnavailableError", () => {
  it("counts a missing Unix socket (a stopped embedded Postgres) as unavailable, not other ENOENTs", () => {
    const socket = Object.assign(new Error("connect ENOENT /tmp/pg/.s.PGSQL.5432"), { code: "ENOENT", syscall: "connect" });
    const file = Object.assign(new Error("ENOENT: no such file"), { code: "ENOENT", syscall: "open" });
    expect(isUnavailableError(socket)).toBe(true);
    expect(isUnavailableError(file)).toBe(false);
  });
});

describe("executor failure gate", () => {
  function recordingLogger() {
    const lines: string[] = [];
    const log = (_obj: object, msg: string) => lines.push(msg);
    return { lines, logger: { debug: log, info: log, warn: log, error: log } };
  }

  it("backs off exponentially up to the cap and logs once per outage and once on recovery", () => {
    const { lines, logger } = recordingLogger();
    const gate = createFailureGate({ logger, baseMs: 100, maxMs: 1_000 });
    const waits: number[] = [];
    let now = 0;
    for (let i = 0; i < 6; i++) {
      expect(gate.ready(now)).toBe(true);
      gate.failed(new Error("ECONNREFUSED"), now);
      let next = now;
      while (!gate.ready(next)) next += 10;
      waits.push(next - now);
      now = next;
    }
    expect(waits).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    gate.succeeded(now);
    gate.succeeded(now + 1);
    expect(lines).toEqual(["executor.database_unavailable: backing off until it answers", "executor.database_recovered"]);
    expect(gate.ready(now)).toBe(true);
  });
});
