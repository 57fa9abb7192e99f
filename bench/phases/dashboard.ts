// Phase 3, the dashboard at scale: generate the data in SQL, then time every read of
// bench/dashboard/endpoints.ts with an API token and keep the plans of the queries behind them.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { ENDPOINTS, type EndpointContext } from "@/bench/dashboard/endpoints";
import { bigTables, plansOf, startPlanLogging, stopPlanLogging, type QueryPlan } from "@/bench/dashboard/explain";
import { get, timeEndpoint, type EndpointTiming } from "@/bench/dashboard/measure";
import { seedDashboard, type DashboardSizes, type SeedStep } from "@/bench/dashboard/seed";
import { round } from "@/bench/lib/stats";
import type { Harness } from "./harness";

export interface EndpointPlans {
  endpoint: string;
  queries: QueryPlan[];
}

export interface DashboardResult {
  sizes: DashboardSizes;
  generation: { steps: SeedStep[]; totalS: number };
  tables: { table: string; rows: number; totalMb: number }[];
  endpoints: EndpointTiming[];
  /** Sequential scans of tables over 10 000 rows, by endpoint: each one is worth a look. */
  seqScanFlags: { endpoint: string; relation: string; tableRows: number; sql: string }[];
  plans: EndpointPlans[];
}

const WARMUP = 5;
const CONTEXT_SAMPLE = 100;

export async function runDashboardPhase(h: Harness): Promise<DashboardResult> {
  const sizes = h.config.dashboard;
  h.note(`generating ${sizes.events} events, ${sizes.vehicles} vehicles, ${sizes.readings} signal readings in SQL`);
  const steps = await seedDashboard(h.sql, sizes);
  for (const s of steps) h.note(`  ${s.step}: ${s.rows} rows in ${s.seconds} s`);
  const totalS = round(steps.reduce((sum, s) => sum + s.seconds, 0), 1);

  const token = createViewerToken(h);
  const ctx = await endpointContext(h);
  const endpoints: EndpointTiming[] = [];
  for (const endpoint of ENDPOINTS) {
    const timing = await timeEndpoint(endpoint, { baseUrl: h.app.url, token, ctx, samples: h.config.dashboardSamples, warmup: WARMUP });
    endpoints.push(timing);
    h.note(`  ${endpoint.group} / ${endpoint.name}: ${timing.availability === "ok" ? `p50 ${timing.p50Ms} ms, p95 ${timing.p95Ms} ms` : timing.availability}`);
  }

  const plans = await capturePlans(h, token, ctx, endpoints);
  const seqScanFlags = plans.flatMap((p) => p.queries.flatMap((q) => q.seqScansOnBigTables.map((s) => ({ endpoint: p.endpoint, ...s, sql: q.sql.slice(0, 300) }))));
  return { sizes, generation: { steps, totalS }, tables: await tableSizes(h), endpoints, seqScanFlags, plans };
}

// The product's own CLI (API.md §8): the token is its last stdout line.
function createViewerToken(h: Harness): string {
  const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
  const out = execFileSync(tsx, ["scripts/token.ts", "create", "--name", "bench-viewer", "--role", "viewer"], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", DATABASE_URL: h.db.url, DATA_DIR: h.db.dataDir, LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "ignore"],
  });
  const token = out.trim().split("\n").at(-1) ?? "";
  if (!token.startsWith("sct_")) throw new Error(`npm run token printed no token (last line: "${token}")`);
  return token;
}

async function endpointContext(h: Harness): Promise<EndpointContext> {
  // Spread over the whole table, the same ones every run: ids are hashes of row numbers.
  const { rows } = await h.sql.query<{ vehicle_id: string; event_id: string }>(
    `SELECT bench_id('vehicle', (i * 7919) % $2) AS vehicle_id, bench_id('event', (i * 104729) % $3) AS event_id FROM generate_series(1, $1) i`,
    [CONTEXT_SAMPLE, h.config.dashboard.vehicles, h.config.dashboard.events],
  );
  const now = new Date();
  return {
    vehicleIds: rows.map((r) => r.vehicle_id),
    eventIds: rows.map((r) => r.event_id),
    now: now.toISOString(),
    dayAgo: new Date(now.getTime() - 86_400_000).toISOString(),
    monthAgo: new Date(now.getTime() - 30 * 86_400_000).toISOString(),
  };
}

async function capturePlans(h: Harness, token: string, ctx: EndpointContext, timings: EndpointTiming[]): Promise<EndpointPlans[]> {
  const big = await bigTables(h.sql);
  await startPlanLogging(h.sql);
  try {
    const plans: EndpointPlans[] = [];
    for (const [i, endpoint] of ENDPOINTS.entries()) {
      if (timings[i]?.availability !== "ok") continue;
      const queries = await plansOf(h.db.logFile, () => get(h.app.url, endpoint.path(ctx, 1), token), big);
      plans.push({ endpoint: `${endpoint.group} / ${endpoint.name}`, queries });
    }
    return plans;
  } finally {
    await stopPlanLogging(h.sql);
  }
}

async function tableSizes(h: Harness): Promise<DashboardResult["tables"]> {
  const { rows } = await h.sql.query<{ table: string; rows: number; total_mb: number }>(
    `SELECT relname AS table, reltuples::bigint::float8 AS rows, round(pg_total_relation_size(oid) / 1048576.0) ::float8 AS total_mb
     FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND reltuples > 0 ORDER BY pg_total_relation_size(oid) DESC`,
  );
  return rows.map((r) => ({ table: r.table, rows: r.rows, totalMb: r.total_mb }));
}
