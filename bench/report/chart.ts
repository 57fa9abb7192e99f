// The results as one SVG (bench/results/latest.svg): receiver against its ceilings, latency at
// fixed rates, processing throughput, dashboard read and page times — each with its target where
// one exists.
import { PAGE_BAR_MS, type BenchResult } from "./result";
import { renderChart, type BarPanel } from "./svg-chart";

const BLUE = "#2f6fb0";
const GREEN = "#3f9b5a";
const ORANGE = "#e08a2c";
const RED = "#c0392b";

export function chartFor(result: BenchResult): string {
  const { receiver, processing, dashboard, machine, run } = result;
  const max = receiver.maxThroughput;
  const panels: BarPanel[] = [
    {
      title: `Receiver: max sustained deliveries/s (${receiver.connections} connections, same feeds, best of ${run.config.rounds} rounds)`,
      unit: "/s",
      series: [{ name: "2xx per second", color: BLUE }],
      rows: [
        { label: "(a) statement via pg (storage ceiling)", values: [max.storageCeiling.throughput] },
        { label: "(b) bare Next POST route (framework)", values: [max.frameworkCeiling.throughput] },
        { label: "(c) HMAC + statement in Next", values: [max.irreducible.throughput] },
        { label: "receiver (processing held)", values: [max.receiver.throughput] },
      ],
      target: { value: 0.9 * max.irreducible.throughput, label: "90 % of (c)" },
    },
    {
      title: "Receiver latency at fixed rates",
      unit: "ms",
      series: [
        { name: "p50", color: GREEN },
        { name: "p95", color: ORANGE },
        { name: "p99", color: RED },
      ],
      rows: receiver.fixedRates.map((r) => ({
        label: `${r.rate}/s, processing ${r.processing}${r.sustained ? "" : ` (only ${r.load.throughput}/s)`}`,
        values: [r.load.latencyMs.p50, r.load.latencyMs.p95, r.load.latencyMs.p99],
      })),
      target: { value: 50, label: "p99 target at 300/s" },
    },
    {
      title: "Processing: events/s from receipt to PROCESSED (30 signals each)",
      unit: "/s",
      series: [{ name: "events per second", color: BLUE }],
      rows: [
        { label: `backlog of ${processing.backlogDrain.events}, processing only`, values: [processing.backlogDrain.eventsPerS] },
        { label: `steady ${processing.steady.rate}/s offered`, values: [processing.steady.eventsPerS] },
        { label: `burst of ${processing.burst.events} (drain ${processing.burst.drainS} s)`, values: [processing.burst.eventsPerS] },
      ],
      target: { value: 200, label: "200/s" },
    },
    {
      title: `Dashboard reads at ${dashboard.sizes.events.toLocaleString("en-US")} events, ${dashboard.sizes.vehicles.toLocaleString("en-US")} vehicles, ${dashboard.sizes.readings.toLocaleString("en-US")} readings`,
      unit: "ms",
      series: [
        { name: "p50", color: GREEN },
        { name: "p95", color: ORANGE },
      ],
      rows: dashboard.endpoints.map((e) => ({ label: `${e.group} / ${e.name}`, values: [e.p50Ms, e.p95Ms] })),
    },
    {
      title: `Dashboard pages, whole HTML to the last byte (signed in as ${dashboard.pageRole})`,
      unit: "ms",
      series: [
        { name: "p50", color: GREEN },
        { name: "p95", color: ORANGE },
      ],
      rows: dashboard.pages.map((p) => ({ label: p.availability === "ok" ? p.name : `${p.name} (${p.availability})`, values: [p.p50Ms, p.p95Ms] })),
      target: { value: PAGE_BAR_MS, label: `${PAGE_BAR_MS} ms bar` },
    },
  ];
  const subtitle = `${run.startedAt.slice(0, 16).replace("T", " ")} UTC · ${run.mode} run · ${machine.cores} cores (${machine.cpuModel}) · Node ${machine.node} · PostgreSQL ${machine.postgres} · commit ${machine.git.commit}${machine.git.dirty ? "+dirty" : ""}`;
  return renderChart("Smartcar Monitor benchmark", subtitle, panels);
}
