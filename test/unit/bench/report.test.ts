import { describe, expect, it } from "vitest";
import { describeAutovacuum } from "@/bench/lib/db-activity";
import { pagesSection } from "@/bench/report/markdown";
import { processingTargets, receiverTargets, resultShapeErrors } from "@/bench/report/result";
import { replaceSection, runStamp } from "@/bench/report/write";
import type { MachineInfo } from "@/bench/lib/machine";
import type { ReceiverResult } from "@/bench/phases/receiver";
import type { ProcessingResult } from "@/bench/phases/processing";

const machine = { postgresSettings: { synchronous_commit: "on" }, settingOverrides: [] } as unknown as MachineInfo;

function receiver(overrides: { irreducible: number; framework: number; p99At300: number; sustained?: boolean; serverErrors?: number }): ReceiverResult {
  const at300 = (processing: string, p99: number) => ({ rate: 300, processing, sustained: overrides.sustained ?? true, load: { throughput: 300, latencyMs: { p99 } } });
  return {
    ratios: { receiverOverIrreducible: overrides.irreducible, receiverOverFramework: overrides.framework },
    // Alone, the receiver is always fast here: the live run decides.
    fixedRates: [at300("live", overrides.p99At300), at300("held", 5)],
    serverErrors: overrides.serverErrors ?? 0,
  } as unknown as ReceiverResult;
}

describe("receiverTargets", () => {
  it("reports every target met when the numbers are", () => {
    const checks = receiverTargets(receiver({ irreducible: 0.93, framework: 0.71, p99At300: 31 }), machine);
    expect(checks.map((c) => c.met)).toEqual([true, true, true, true, true, true]);
    expect(checks[0]?.measured).toBe("93 %");
  });

  it("reports misses as misses, including a rate that was not held", () => {
    const checks = receiverTargets(receiver({ irreducible: 0.5, framework: 0.4, p99At300: 20, sustained: false, serverErrors: 3 }), machine);
    expect(checks.map((c) => c.met)).toEqual([false, false, false, false, false, true]);
    expect(checks[2]?.measured).toContain("rate not held");
  });

  it("judges the live and the held-back 300/s runs separately", () => {
    const checks = receiverTargets(receiver({ irreducible: 1, framework: 1, p99At300: 80 }), machine);
    expect(checks.slice(2, 4).map((c) => [c.target, c.met])).toEqual([
      ["p99 < 50 ms at 300/s, processing live (as deployed)", false],
      ["p99 < 50 ms at 300/s, receiver alone (processing held back)", true],
    ]);
  });

  it("fails synchronous_commit when a database or role overrides it", () => {
    const overridden = { ...machine, settingOverrides: ["synchronous_commit=off"] } as MachineInfo;
    expect(receiverTargets(receiver({ irreducible: 1, framework: 1, p99At300: 1 }), overridden).at(-1)?.met).toBe(false);
  });
});

describe("processingTargets", () => {
  it("needs the whole burst processed, in under 60 s, at 200 events/s or more", () => {
    const result = (drainS: number, eventsPerS: number, notProcessed = 0) =>
      ({ burst: { events: 10_000, drainS, eventsPerS, notProcessed } }) as unknown as ProcessingResult;
    expect(processingTargets(result(40, 250)).map((c) => c.met)).toEqual([true, true]);
    expect(processingTargets(result(70, 140)).map((c) => c.met)).toEqual([false, false]);
    expect(processingTargets(result(40, 250, 3))[0]?.met).toBe(false);
  });
});

describe("resultShapeErrors", () => {
  it("accepts the top-level keys readers rely on", () => {
    const ok = { run: {}, machine: {}, receiver: { targets: [] }, processing: {}, dashboard: { endpoints: [] }, memory: {} };
    expect(resultShapeErrors(ok)).toEqual([]);
  });

  it("names what is missing", () => {
    expect(resultShapeErrors({ run: {}, receiver: {} })).toEqual(["missing machine", "missing processing", "missing dashboard", "missing memory", "receiver.targets is not a list"]);
    expect(resultShapeErrors(null)).toEqual(["not an object"]);
  });
});

describe("replaceSection", () => {
  it("appends the section when there is none", () => {
    expect(replaceSection("# App\n\ntext\n", "## Performance", "## Performance\n\nnew")).toBe("# App\n\ntext\n\n## Performance\n\nnew\n");
  });

  it("replaces only that section, up to the next heading of its level", () => {
    const readme = "# App\n\n## Performance\n\nold\n\n### Details\n\nold too\n\n## Status\n\nkept\n";
    expect(replaceSection(readme, "## Performance", "## Performance\n\nnew")).toBe("# App\n\n## Performance\n\nnew\n\n## Status\n\nkept\n");
  });

  it("replaces a last section to the end of the file", () => {
    expect(replaceSection("# App\n\n## Performance\n\nold\n", "## Performance", "## Performance\n\nnew\n")).toBe("# App\n\n## Performance\n\nnew\n");
  });
});

describe("runStamp", () => {
  it("is sortable and safe in a file name", () => {
    expect(runStamp("2026-11-29T07:05:09.123Z")).toBe("2026-11-29T0705Z");
  });
});

describe("pagesSection", () => {
  const timed = { availability: "ok" as const, samples: 20, maxMs: 210.4, responseKb: 48.2 };
  const section = pagesSection({
    pageRole: "support",
    pages: [
      { ...timed, name: "event detail", example: "/events/3f2b9c1e-0a4d-4e8f-9b1a-2c3d4e5f6a7b", p50Ms: 61.25, p95Ms: 149.9 },
      { ...timed, name: "overview", example: "/", p50Ms: 120, p95Ms: 150 },
      { name: "alerts", example: "/alerts", availability: "not yet available", samples: 0, p50Ms: null, p95Ms: null, maxMs: null, responseKb: null },
    ],
  });

  it("says how pages were timed and as whom", () => {
    expect(section).toContain("timed to its last byte");
    expect(section).toContain("20 samples each, signed in as a support user");
  });

  it("has a row per page, ids generalised, judged against the 150 ms bar by p95", () => {
    const rows = section.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| page "));
    expect(rows).toEqual([
      "| event detail | `/events/{id}` | 61.3 | 149.9 | 210.4 | 48.2 | yes |",
      "| overview | `/` | 120 | 150 | 210.4 | 48.2 | **no** |",
      "| alerts | `/alerts` | not yet available | – | – | – | – |",
    ]);
  });
});

describe("describeAutovacuum", () => {
  it("says none, or lists each task seen with its seconds, longest first", () => {
    expect(describeAutovacuum({})).toBe("autovacuum: none");
    expect(describeAutovacuum({ "smartcar: ANALYZE public.event": 0.5, "smartcar: VACUUM public.vehicle_signal": 12 })).toBe(
      "autovacuum: smartcar: VACUUM public.vehicle_signal 12 s, smartcar: ANALYZE public.event 0.5 s",
    );
  });
});
