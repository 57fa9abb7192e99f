// Phase 3, the dashboard at scale: generate the data in SQL, then time every read of
// bench/dashboard/endpoints.ts with an API token and every page of bench/dashboard/pages.ts with
// a signed-in user's session, and keep the plans of the queries behind them.
import { createViewerToken, signInPageUser } from "@/bench/dashboard/credentials";
import { ENDPOINTS, type EndpointContext } from "@/bench/dashboard/endpoints";
import { bigTables, plansOf, startPlanLogging, stopPlanLogging, type QueryPlan } from "@/bench/dashboard/explain";
import { bearer, get, timeEndpoint, type EndpointTiming } from "@/bench/dashboard/measure";
import { builtRoutes, timePage, type PageTiming } from "@/bench/dashboard/measure-pages";
import { PAGES } from "@/bench/dashboard/pages";
import { seedDashboard, type DashboardSizes, type SeedStep } from "@/bench/dashboard/seed";
import { PRODUCT_DIST_DIR } from "@/bench/lib/build";
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
  /** Whole HTML documents, to the last streamed byte, signed in as `pageRole`. */
  pages: PageTiming[];
  pageRole: string;
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

  const token = createViewerToken(h.db);
  const session = await signInPageUser(h.db, h.app.url);
  const ctx = await endpointContext(h);
  const endpoints: EndpointTiming[] = [];
  for (const endpoint of ENDPOINTS) {
    const timing = await timeEndpoint(endpoint, { baseUrl: h.app.url, token, ctx, samples: h.config.dashboardSamples, warmup: WARMUP });
    endpoints.push(timing);
    h.note(`  ${endpoint.group} / ${endpoint.name}: ${timing.availability === "ok" ? `p50 ${timing.p50Ms} ms, p95 ${timing.p95Ms} ms` : timing.availability}`);
  }

  const built = builtRoutes(PRODUCT_DIST_DIR);
  const pages: PageTiming[] = [];
  for (const page of PAGES) {
    const timing = await timePage(page, { baseUrl: h.app.url, cookie: session.cookie, ctx, samples: h.config.dashboardSamples, warmup: WARMUP, built });
    pages.push(timing);
    h.note(`  page / ${page.name}: ${timing.availability === "ok" ? `p50 ${timing.p50Ms} ms, p95 ${timing.p95Ms} ms, ${timing.responseKb} KB` : timing.availability}`);
  }

  const requests: PlannedRequest[] = [
    ...ENDPOINTS.flatMap((endpoint, i) =>
      endpoints[i]?.availability === "ok" ? [{ label: `${endpoint.group} / ${endpoint.name}`, path: endpoint.path(ctx, 1), headers: bearer(token) }] : [],
    ),
    ...PAGES.flatMap((page, i) => (pages[i]?.availability === "ok" ? [{ label: `page / ${page.name}`, path: page.path(ctx, 1), headers: { cookie: session.cookie } }] : [])),
  ];
  const plans = await capturePlans(h, requests);
  const seqScanFlags = plans.flatMap((p) => p.queries.flatMap((q) => q.seqScansOnBigTables.map((s) => ({ endpoint: p.endpoint, ...s, sql: q.sql.slice(0, 300) }))));
  return { sizes, generation: { steps, totalS }, tables: await tableSizes(h), endpoints, pages, pageRole: session.role, seqScanFlags, plans };
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

interface PlannedRequest {
  label: string;
  path: string;
  headers: Record<string, string>;
}

async function capturePlans(h: Harness, requests: PlannedRequest[]): Promise<EndpointPlans[]> {
  const big = await bigTables(h.sql);
  await startPlanLogging(h.sql);
  try {
    const plans: EndpointPlans[] = [];
    for (const request of requests) {
      const queries = await plansOf(h.db.logFile, () => get(h.app.url, request.path, request.headers), big);
      plans.push({ endpoint: request.label, queries });
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
