// GET /api/metrics – Prometheus text exposition (API.md §6); METRICS_TOKEN or an admin token
import { requireMetricsAccess } from "@/lib/auth/metrics-access";
import { toErrorResponse } from "@/lib/errors";
import { metrics } from "@/lib/observability/metrics";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  try {
    // 1. Scraper token or admin.
    await requireMetricsAccess(request);
    // 2. Process counters plus database-wide gauges.
    const { registry } = metrics();
    return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
  } catch (error) {
    return toErrorResponse(error);
  }
}
