import { describe, expect, it } from "vitest";
import { parsePlanLog, seqScans, type PlanNode } from "@/bench/dashboard/explain";

// The shape PostgreSQL writes with auto_explain.log_format = json to stderr: continuation lines
// start with a tab; other log lines may sit between plans.
const LOG = [
  "2026-11-29 06:51:37.400 UTC [31867] LOG:  duration: 0.093 ms  plan:",
  "\t{",
  '\t  "Query Text": "SELECT count(*) FROM event WHERE vehicle_id = $1",',
  '\t  "Plan": {',
  '\t    "Node Type": "Aggregate",',
  '\t    "Plans": [{ "Node Type": "Seq Scan", "Relation Name": "event" }]',
  "\t  }",
  "\t}",
  "2026-11-29 06:51:37.543 UTC [31749] LOG:  received SIGHUP, reloading configuration files",
  "2026-11-29 06:51:37.600 UTC [31868] LOG:  duration: 0.010 ms  plan:",
  '\t{ "Query Text": "SELECT 1", "Plan": { "Node Type": "Result" } }',
  "",
].join("\n");

describe("parsePlanLog", () => {
  it("reads every JSON plan and skips other log lines", () => {
    const plans = parsePlanLog(LOG);
    expect(plans.map((p) => p["Query Text"])).toEqual(["SELECT count(*) FROM event WHERE vehicle_id = $1", "SELECT 1"]);
    expect(plans[0]?.Plan["Node Type"]).toBe("Aggregate");
  });

  it("finds nothing in a log without plans", () => {
    expect(parsePlanLog("2026-11-29 06:51:37.543 UTC [1] LOG:  checkpoint starting: time\n")).toEqual([]);
  });
});

describe("seqScans", () => {
  it("finds sequential scans at any depth", () => {
    const plan: PlanNode = {
      "Node Type": "Nested Loop",
      Plans: [
        { "Node Type": "Index Scan", "Relation Name": "vehicle" },
        { "Node Type": "Hash", Plans: [{ "Node Type": "Seq Scan", "Relation Name": "signal_reading" }] },
      ],
    };
    expect(seqScans(plan)).toEqual(["signal_reading"]);
  });
});
