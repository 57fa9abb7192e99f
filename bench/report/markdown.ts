// The results as Markdown tables (bench/results/latest.md, and README's "## Performance").
import type { CpuUse } from "@/bench/lib/cpu-meter";
import type { PhaseMemory } from "@/bench/lib/memory-sampler";
import type { ProcessingRun } from "@/bench/lib/event-timings";
import type { ProfileResult } from "@/bench/phases/profile";
import type { MeasuredLoad } from "@/bench/phases/receiver";
import type { TimeShare } from "@/bench/profile/summarize";
import type { BenchResult, TargetCheck } from "./result";

const n = (value: number | null | undefined, digits = 0) =>
  value === null || value === undefined || !Number.isFinite(value) ? "–" : value.toLocaleString("en-US", { maximumFractionDigits: digits });

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

/** Cores used: app / PostgreSQL / load generator / baseline app / everything else on the machine. */
function cpu(use: CpuUse): string {
  return [use.app, use.postgres, use.loadgen, use.baseline, use.other].map((cores) => n(cores, 2)).join(" / ");
}

function loadRow(label: string, load: MeasuredLoad): string[] {
  return [label, n(load.throughput), n(load.latencyMs.p50, 1), n(load.latencyMs.p95, 1), n(load.latencyMs.p99, 1), cpu(load.cpu)];
}

function processingRow(label: string, run: ProcessingRun): string[] {
  return [
    label,
    n(run.events),
    n(run.drainS, 1),
    n(run.eventsPerS),
    `${n(run.processedPerSecond.p50)} / ${n(run.processedPerSecond.min)}`,
    `${n(run.lagMs.p50)} / ${n(run.lagMs.p95)} / ${n(run.lagMs.p99)}`,
    n(run.notProcessed),
  ];
}

function memoryRow(label: string, memory: PhaseMemory): string[] {
  const cell = (phase: string) => (memory[phase] ? `${memory[phase].rssMb} (${memory[phase].pssMb})` : "–");
  return [label, cell("receiver"), cell("processing"), cell("dashboard"), cell("overall")];
}

function targetsTable(targets: TargetCheck[]): string {
  return table(["target", "measured", "met"], targets.map((t) => [t.target, t.measured, t.met ? "yes" : "**no**"]));
}

function shareTable(title: string, shares: TimeShare[], limit: number): string {
  return table([title, "ms", "% of busy"], shares.slice(0, limit).map((t) => [`\`${t.name}\``, n(t.ms), n(t.percent, 1)]));
}

function profileSection(profile: ProfileResult): string {
  const parts = [
    { label: `the receiver at full speed (${n(profile.receiver.load.throughput)}/s under the profiler, processing held back)`, summary: profile.receiver.profile },
    { label: `processing a backlog of ${n(profile.processing.drain.events)} events (${n(profile.processing.drain.eventsPerS)}/s under the profiler)`, summary: profile.processing.profile },
  ];
  return [
    "### Where the app's CPU goes (`--profile`, `node --cpu-prof` on next-server, mapped through the build's source maps)",
    ...parts.map(({ label, summary }) =>
      [`**${label}**: ${n(summary.busyMs)} ms busy of ${n(summary.wallMs)} ms.`, shareTable("CPU time, charged to the nearest package or app file on the stack", summary.selfByCaller, 12), shareTable("app function, inclusive", summary.inclusiveAppFunctions, 12)].join("\n\n"),
    ),
  ].join("\n\n");
}

export function markdownFor(result: BenchResult): string {
  const { receiver: r, processing: p, dashboard: d, memory, machine, run } = result;
  const body = r.feed.bodyBytes;
  const sections = [
    `Measured ${run.startedAt.slice(0, 16).replace("T", " ")} UTC, ${run.mode} run (seed \`${run.seed}\`), commit ${machine.git.commit}${machine.git.dirty ? " + uncommitted changes" : ""}, on ${machine.cores} × ${machine.cpuModel}, ${machine.memoryGb} GB, ${machine.os}, Node ${machine.node}, PostgreSQL ${machine.postgres} (embedded, as shipped; synchronous_commit=${machine.postgresSettings.synchronous_commit}, fsync=${machine.postgresSettings.fsync}). Load generator: autocannon in the benchmark process, on the same machine. Other processes on the machine used ${Object.entries(machine.otherCpuCores).map(([phase, cores]) => `${n(cores, 2)} cores during ${phase}`).join(", ")}.`,
    "### Targets",
    targetsTable([...r.targets, ...p.targets]),
    `### Receiver: maximum sustained rate\n\n${n(r.feed.requests)} signed VEHICLE_STATE deliveries (${r.feed.signalsPerEvent} signals, ${n(body.min)}–${n(body.max)} bytes, ${Math.round(r.duplicateShare * 100)} % Smartcar retries), the same feed for every row, ${r.connections} connections, closed loop. CPU = average cores used by the app / PostgreSQL / load generator / baseline app / other processes on the machine.`,
    table(
      ["run", "deliveries/s", "p50 ms", "p95 ms", "p99 ms", "CPU cores"],
      [
        loadRow("(a) storage ceiling: the statement through `pg`, no HTTP", r.maxThroughput.storageCeiling),
        loadRow("(b) framework ceiling: bare Next POST route", r.maxThroughput.frameworkCeiling),
        loadRow("(c) irreducible: Next route, HMAC + the statement", r.maxThroughput.irreducible),
        loadRow("**receiver** (processing held back)", r.maxThroughput.receiver),
      ],
    ),
    `receiver / (c) = **${n(r.ratios.receiverOverIrreducible * 100, 1)} %**, receiver / (b) = **${n(r.ratios.receiverOverFramework * 100, 1)} %**. Stored: ${n(r.stored.events)} events (expected ${n(r.stored.expectedEvents)}), ${n(r.stored.deliveries)} deliveries (expected ${n(r.stored.expectedDeliveries)}).`,
    `### Receiver: fixed rates, processing live\n\nEach of ${r.connections} connections sends its share of the rate every second, the connections staggered over the second.`,
    table(
      ["offered", "answered 2xx/s", "held", "p50 ms", "p95 ms", "p99 ms", "non-2xx", "CPU cores", "processing lag p50 / p99 ms"],
      r.fixedRates.map((f) => [
        `${f.rate}/s`,
        n(f.load.throughput),
        f.sustained ? "yes" : "**no**",
        n(f.load.latencyMs.p50, 1),
        n(f.load.latencyMs.p95, 1),
        n(f.load.latencyMs.p99, 1),
        n(Object.entries(f.load.status).reduce((sum, [code, count]) => (code.startsWith("2") ? sum : sum + count), 0) + f.load.errors),
        cpu(f.load.cpu),
        `${n(f.processingLagMs.p50)} / ${n(f.processingLagMs.p99)}`,
      ]),
    ),
    "### Processing: receipt → PROCESSED (30-signal VEHICLE_STATE)",
    table(
      ["run", "events", "drain s", "events/s", "per second p50 / min", "lag p50 / p95 / p99 ms", "not processed"],
      [
        processingRow("backlog released at once (processing only)", p.backlogDrain),
        processingRow(`steady ${p.steady.rate}/s for ${p.steady.seconds} s`, p.steady),
        processingRow(`burst, sent as fast as accepted (received in ${n(p.burst.receiveS, 1)} s)`, p.burst),
      ],
    ),
    `### Dashboard at scale\n\n${n(d.sizes.events)} events, ${n(d.sizes.vehicles)} vehicles, ${n(d.sizes.readings)} signal readings, generated in SQL in ${n(d.generation.totalS)} s (${d.generation.steps.map((s) => `${s.step} ${n(s.seconds, 1)} s`).join(", ")}). Server time = one request at a time over loopback, ${n(d.endpoints.find((e) => e.samples > 0)?.samples)} samples each, viewer API token.`,
    table(
      ["read", "request", "p50 ms", "p95 ms", "KB"],
      d.endpoints.map((e) => [`${e.group} / ${e.name}`, `\`${e.example.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "{id}").replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, "{t}")}\``, e.availability === "ok" ? n(e.p50Ms, 1) : e.availability === "error" ? `error ${e.error}` : e.availability, n(e.p95Ms, 1), n(e.responseKb, 1)]),
    ),
    d.seqScanFlags.length === 0
      ? "No sequential scan of a table over 10 000 rows in any plan (EXPLAIN ANALYZE plans: `dashboard.plans` of the JSON)."
      : `Sequential scans of big tables (plans: \`dashboard.plans\`):\n\n${d.seqScanFlags.map((f) => `- ${f.endpoint}: \`${f.relation}\` (${n(f.tableRows)} rows) — \`${f.sql.replace(/\s+/g, " ").slice(0, 160)}…\``).join("\n")}`,
    "### Peak memory, MB RSS (PSS)",
    table(["process", "receiver", "processing", "dashboard", "whole run"], [memoryRow("app (next-server)", memory.app), memoryRow("PostgreSQL (all processes)", memory.postgres)]),
    ...(result.profile ? [profileSection(result.profile)] : []),
  ];
  return `${sections.join("\n\n")}\n`;
}
