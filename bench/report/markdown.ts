// The results as Markdown tables (bench/results/latest.md, and README's "## Performance").
import type { CpuUse } from "@/bench/lib/cpu-meter";
import { describeAutovacuum } from "@/bench/lib/db-activity";
import type { PhaseMemory } from "@/bench/lib/memory-sampler";
import type { ProcessingRun } from "@/bench/lib/event-timings";
import type { ProfileResult } from "@/bench/phases/profile";
import type { BestOf } from "@/bench/phases/receiver";
import type { DashboardResult } from "@/bench/phases/dashboard";
import { PAGE_BAR_MS, type BenchResult, type TargetCheck } from "./result";

const n = (value: number | null | undefined, digits = 0) =>
  value === null || value === undefined || !Number.isFinite(value) ? "–" : value.toLocaleString("en-US", { maximumFractionDigits: digits });

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

/** Above this many cores used by other processes, a run's numbers are marked as disturbed. */
const NOISY_OTHER_CORES = 0.25;

/** Cores used: app / PostgreSQL / load generator / baseline app / everything else on the machine. */
function cpu(use: CpuUse): string {
  const cells = [use.app, use.postgres, use.loadgen, use.baseline, use.other].map((cores) => n(cores, 2)).join(" / ");
  return (use.other ?? 0) > NOISY_OTHER_CORES ? `${cells} ⚠` : cells;
}

function loadRow(label: string, load: BestOf): string[] {
  const db = load.db ? `${n(load.db.commits, 2)} / ${n(load.db.walFsyncs, 2)} / ${n(load.db.walKb, 1)}` : "–";
  return [label, n(load.throughput), load.rounds.map((t) => n(t)).join(", "), n(load.latencyMs.p50, 1), n(load.latencyMs.p95, 1), n(load.latencyMs.p99, 1), cpu(load.cpu), db];
}

function processingRow(label: string, run: ProcessingRun, received: string, cpuUse: CpuUse, lag = true): string[] {
  return [
    label,
    n(run.events),
    received,
    n(run.drainS, 1),
    n(run.eventsPerS),
    `${n(run.processedPerSecond.p50)} / ${n(run.processedPerSecond.min)}`,
    lag ? `${n(run.lagMs.p50)} / ${n(run.lagMs.p95)} / ${n(run.lagMs.p99)}` : "–",
    n(run.notProcessed),
    cpu(cpuUse),
  ];
}

function memoryRow(label: string, memory: PhaseMemory): string[] {
  const cell = (phase: string) => (memory[phase] ? `${memory[phase].rssMb} (${memory[phase].pssMb})` : "–");
  return [label, cell("receiver"), cell("processing"), cell("dashboard"), cell("overall")];
}

function targetsTable(targets: TargetCheck[]): string {
  return table(["target", "measured", "met"], targets.map((t) => [t.target, t.measured, t.met ? "yes" : "**no**"]));
}

/** Microseconds of the profiled server's CPU per delivery (or event). */
function perItem(ms: number, items: number): string {
  return items > 0 ? n((ms * 1000) / items) : "–";
}

function profileSection(profile: ProfileResult): string {
  const { receiver, irreducible, processing } = profile;
  const delivered = receiver.load.requests;
  const baseDelivered = irreducible.load.requests;
  const base = new Map(irreducible.profile.selfByCaller.map((t) => [t.name, t.ms]));
  const own = new Map(receiver.profile.selfByCaller.map((t) => [t.name, t.ms]));
  const names = [...new Set([...own.keys(), ...base.keys()])]
    .map((name) => ({ name, delta: ((own.get(name) ?? 0) * 1000) / delivered - ((base.get(name) ?? 0) * 1000) / baseDelivered }))
    .sort((a, b) => b.delta - a.delta)
    .slice(0, 14);
  const comparison = table(
    ["CPU charged to (nearest package or app file on the stack)", "receiver µs / delivery", "(c) µs / delivery", "difference"],
    [
      ["**all busy time**", `**${perItem(receiver.profile.busyMs, delivered)}**`, `**${perItem(irreducible.profile.busyMs, baseDelivered)}**`, `**${n((receiver.profile.busyMs * 1000) / delivered - (irreducible.profile.busyMs * 1000) / baseDelivered)}**`],
      ...names.map(({ name, delta }) => [`\`${name}\``, perItem(own.get(name) ?? 0, delivered), perItem(base.get(name) ?? 0, baseDelivered), n(delta)]),
    ],
  );
  const receiverFunctions = table(
    ["receiver, app function (inclusive)", "µs / delivery", "% of busy"],
    receiver.profile.inclusiveAppFunctions.slice(0, 10).map((t) => [`\`${t.name}\``, perItem(t.ms, delivered), n(t.percent, 1)]),
  );
  const events = processing.drain.events;
  const processingTable = table(
    ["processing, CPU charged to", "µs / event", "% of busy"],
    [["**all busy time**", `**${perItem(processing.profile.busyMs, events)}**`, "100"], ...processing.profile.selfByCaller.slice(0, 12).map((t) => [`\`${t.name}\``, perItem(t.ms, events), n(t.percent, 1)])],
  );
  return [
    "### Where the CPU goes (`--profile`: `node --cpu-prof` on the server, mapped through the builds' source maps)",
    `Receiver and baseline (c) each took the same kind of feed for up to ${n(receiver.load.elapsedS, 0)} s under the profiler (${n(receiver.load.throughput)}/s and ${n(irreducible.load.throughput)}/s; profiling slows both). The profiler samples wall time on the server's main thread: time in a socket write includes the moments the thread lost the CPU to the PostgreSQL backend it just woke.`,
    comparison,
    receiverFunctions,
    `Processing a backlog of ${n(events)} events (${n(processing.drain.eventsPerS)}/s under the profiler):`,
    processingTable,
  ].join("\n\n");
}

/** An example request with its ids and instants generalised: the same on every run. */
function requestCell(example: string): string {
  return `\`${example.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "{id}").replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, "{t}")}\``;
}

export function pagesSection(d: Pick<DashboardResult, "pages" | "pageRole">): string {
  const samples = d.pages.find((p) => p.samples > 0)?.samples;
  const underBar = (p95: number | null) => (p95 === null ? "–" : p95 < PAGE_BAR_MS ? "yes" : "**no**");
  return [
    `Pages: the whole HTML document a browser gets, timed to its last byte (the pages stream their parts through Suspense, so the first byte says nothing about the data), one request at a time, ${n(samples)} samples each, signed in as a ${d.pageRole} user through next-auth's credentials flow. A page that answers anything but a complete 200 stops the run instead of being timed. The issue's bar: every page under ${PAGE_BAR_MS} ms.`,
    table(
      ["page", "request", "p50 ms", "p95 ms", "max ms", "KB", `p95 < ${PAGE_BAR_MS} ms`],
      d.pages.map((p) => [p.name, requestCell(p.example), p.availability === "ok" ? n(p.p50Ms, 1) : p.availability, n(p.p95Ms, 1), n(p.maxMs, 1), n(p.responseKb, 1), underBar(p.p95Ms)]),
    ),
  ].join("\n\n");
}

export function markdownFor(result: BenchResult): string {
  const { receiver: r, processing: p, dashboard: d, memory, machine, run } = result;
  const body = r.feed.bodyBytes;
  const sections = [
    `Measured ${run.startedAt.slice(0, 16).replace("T", " ")} UTC, ${run.mode} run (seed \`${run.seed}\`), commit ${machine.git.commit}${machine.git.dirty ? " + uncommitted changes" : ""}, on ${machine.cores} × ${machine.cpuModel}, ${machine.memoryGb} GB, ${machine.os}, Node ${machine.node}, PostgreSQL ${machine.postgres} (embedded, as shipped; synchronous_commit=${machine.postgresSettings.synchronous_commit}, fsync=${machine.postgresSettings.fsync}). Load generator: autocannon in the benchmark process, on the same machine. ⚠ marks a run during which other processes used more than ${NOISY_OTHER_CORES} cores: its numbers are lower than the machine's. Other processes on the machine used ${Object.entries(machine.otherCpuCores).map(([phase, cores]) => `${n(cores, 2)} cores during ${phase}`).join(", ")}.`,
    "### Targets",
    targetsTable([...r.targets, ...p.targets]),
    `### Receiver: maximum sustained rate\n\nSigned VEHICLE_STATE deliveries (${r.feed.signalsPerEvent} signals, ${n(body.min)}–${n(body.max)} bytes, ${Math.round(r.duplicateShare * 100)} % Smartcar retries), ${r.connections} connections, closed loop. Each round sends one feed to every row in turn, ${run.config.roundSeconds} s each; a row shows its best round (latencies and CPU of that round), since other work on a shared machine only ever slows a run down. CPU = average cores used by the app / PostgreSQL / load generator / baseline app / other processes on the machine. Processing is held back during the receiver row, so the receiver competes only with the load generator, like (b) and (c).`,
    table(
      ["run", "deliveries/s", "rounds", "p50 ms", "p95 ms", "p99 ms", "CPU cores", "per delivery: commits / WAL fsyncs / WAL KB"],
      [
        loadRow("(a) storage ceiling: the statement through `pg`, no HTTP", r.maxThroughput.storageCeiling),
        loadRow("(b) framework ceiling: bare Next POST route", r.maxThroughput.frameworkCeiling),
        loadRow("(c) irreducible: Next route, HMAC + the statement", r.maxThroughput.irreducible),
        loadRow("**receiver** (processing held back)", r.maxThroughput.receiver),
      ],
    ),
    `receiver / (c) = **${n(r.ratios.receiverOverIrreducible * 100, 1)} %**, receiver / (b) = **${n(r.ratios.receiverOverFramework * 100, 1)} %**. Stored: ${n(r.stored.events)} events (expected ${n(r.stored.expectedEvents)}), ${n(r.stored.deliveries)} deliveries (expected ${n(r.stored.expectedDeliveries)}).`,
    `### Receiver: fixed rates\n\nEach of ${r.connections} connections sends its share of the rate every second, the connections staggered over the second, for ${run.config.fixedRateSeconds} s. "Processing live" is the product as deployed: the embedded executor's worker process applies the events meanwhile, on the same 2 cores; "held" measures the receiver on its own.`,
    table(
      ["offered", "processing", "answered 2xx/s", "rate held", "p50 ms", "p95 ms", "p99 ms", "non-2xx", "CPU cores", "processing lag p50 / p99 ms"],
      r.fixedRates.map((f) => [
        `${f.rate}/s`,
        f.processing,
        n(f.load.throughput),
        f.sustained ? "yes" : "**no**",
        n(f.load.latencyMs.p50, 1),
        n(f.load.latencyMs.p95, 1),
        n(f.load.latencyMs.p99, 1),
        n(Object.entries(f.load.status).reduce((sum, [code, count]) => (code.startsWith("2") ? sum : sum + count), 0) + f.load.errors),
        cpu(f.load.cpu),
        f.processingLagMs ? `${n(f.processingLagMs.p50)} / ${n(f.processingLagMs.p99)}` : "–",
      ]),
    ),
    "### Processing: receipt → PROCESSED (30-signal VEHICLE_STATE)",
    table(
      ["run", "events", "received/s", "drain s", "events/s", "per second p50 / min", "lag p50 / p95 / p99 ms", "not processed", "CPU cores"],
      [
        // Its events waited for the release, so their lag says nothing.
        processingRow("backlog held during the receiver runs, released at once (processing only)", p.backlogDrain, "–", p.backlogDrain.cpu, false),
        processingRow(`steady ${p.steady.rate}/s offered for ${p.steady.seconds} s`, p.steady, n(p.steady.load.throughput), p.steady.load.cpu),
        processingRow(`burst, sent as fast as accepted (received in ${n(p.burst.receiveS, 1)} s)`, p.burst, n(p.burst.load.throughput), p.burst.load.cpu),
      ],
    ),
    `PostgreSQL's autovacuum during the steady run — ${describeAutovacuum(p.steady.autovacuum)}; during the burst — ${describeAutovacuum(p.burst.autovacuum)} (seconds an autovacuum worker was seen on the task, sampled every 0.5 s; its CPU counts in the PostgreSQL column).`,
    `### Dashboard at scale\n\n${n(d.sizes.events)} events, ${n(d.sizes.vehicles)} vehicles, ${n(d.sizes.readings)} signal readings, generated in SQL in ${n(d.generation.totalS)} s (${d.generation.steps.map((s) => `${s.step} ${n(s.seconds, 1)} s`).join(", ")}). Server time = one request at a time over loopback, ${n(d.endpoints.find((e) => e.samples > 0)?.samples)} samples each, viewer API token.`,
    table(
      ["read", "request", "p50 ms", "p95 ms", "KB"],
      d.endpoints.map((e) => [`${e.group} / ${e.name}`, requestCell(e.example), e.availability === "ok" ? n(e.p50Ms, 1) : e.availability === "error" ? `error ${e.error}` : e.availability, n(e.p95Ms, 1), n(e.responseKb, 1)]),
    ),
    pagesSection(d),
    d.seqScanFlags.length === 0
      ? "No sequential scan of a table over 10 000 rows in any plan (EXPLAIN ANALYZE plans: `dashboard.plans` of the JSON)."
      : `Sequential scans of big tables (plans: \`dashboard.plans\`):\n\n${d.seqScanFlags.map((f) => `- ${f.endpoint}: \`${f.relation}\` (${n(f.tableRows)} rows) — \`${f.sql.replace(/\s+/g, " ").slice(0, 160)}…\``).join("\n")}`,
    "### Peak memory, MB RSS (PSS)",
    table(["process", "receiver", "processing", "dashboard", "whole run"], [
      memoryRow("app: server (next-server)", memory.app),
      memoryRow("app: executor workers (summed)", memory.workers),
      memoryRow("app: server + workers", memory.appTotal),
      memoryRow("PostgreSQL (all processes)", memory.postgres),
    ]),
    ...(result.profile ? [profileSection(result.profile)] : []),
  ];
  return `${sections.join("\n\n")}\n`;
}
