import { describe, expect, it } from "vitest";
import { originOf, summarizeProfile, type CpuProfile } from "@/bench/profile/summarize";

describe("originOf", () => {
  it("buckets a source by npm package, Node internals, V8, or the app file", () => {
    expect(originOf("node_modules/pino/lib/proto.js")).toBe("npm: pino");
    expect(originOf("node_modules/@prisma/client/runtime/x.js")).toBe("npm: @prisma/client");
    expect(originOf("node_modules/next/node_modules/undici/lib/a.js")).toBe("npm: next");
    expect(originOf("node:internal/streams/readable")).toBe("Node.js internals");
    expect(originOf("V8: garbage collector")).toBe("V8: garbage collector");
    expect(originOf("lib/ingest/receive.ts")).toBe("app: lib/ingest/receive.ts");
  });
});

describe("summarizeProfile", () => {
  const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0, columnNumber: 0 });
  // root → receive (app) → log (npm: pino); plus idle and GC samples.
  const profile: CpuProfile = {
    startTime: 1_000_000,
    nodes: [
      { id: 1, callFrame: frame("(root)", ""), children: [2, 4, 5] },
      { id: 2, callFrame: frame("receive", "lib/ingest/receive.ts"), children: [3] },
      { id: 3, callFrame: frame("write", "node_modules/pino/lib/proto.js") },
      { id: 4, callFrame: frame("(idle)", "") },
      { id: 5, callFrame: frame("(garbage collector)", "") },
    ],
    samples: [2, 3, 3, 4, 5],
    timeDeltas: [1000, 2000, 2000, 10000, 1000],
  };
  const summary = summarizeProfile(profile);

  it("leaves idle time out of the busy time", () => {
    expect(summary).toMatchObject({ wallMs: 16, busyMs: 6 });
  });

  it("charges self time to where the code lives", () => {
    expect(summary.selfByOrigin).toEqual([
      { name: "npm: pino", ms: 4, percent: 66.7 },
      { name: "app: lib/ingest/receive.ts", ms: 1, percent: 16.7 },
      { name: "V8: garbage collector", ms: 1, percent: 16.7 },
    ]);
  });

  it("counts an app function's callees in its inclusive time", () => {
    expect(summary.inclusiveAppFunctions).toEqual([{ name: "receive (lib/ingest/receive.ts)", ms: 5, percent: 83.3 }]);
  });

  it("counts only the samples inside the window (the server's start-up left out)", () => {
    // Samples land at +1, +3, +5, +15 and +16 ms: the window keeps the two pino samples.
    const windowed = summarizeProfile(profile, { fromUs: 1_002_000, toUs: 1_005_000 });
    expect(windowed.busyMs).toBe(4);
    expect(windowed.selfByOrigin.map((s) => s.name)).toEqual(["npm: pino"]);
  });
});

describe("summarizeProfile with Object.prototype names", () => {
  it("treats a function called constructor as a plain function", () => {
    const profile: CpuProfile = {
      startTime: 0,
      nodes: [{ id: 1, callFrame: { functionName: "constructor", url: "lib/a.ts", lineNumber: 0, columnNumber: 0 } }],
      samples: [1],
      timeDeltas: [1000],
    };
    expect(summarizeProfile(profile).selfByFunction[0]?.name).toBe("constructor (lib/a.ts:1)");
  });
});
