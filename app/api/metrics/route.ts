// GET /api/metrics – Prometheus text exposition (API.md §6); METRICS_TOKEN or an admin token
import { requireMetricsAccess } from "@/lib/auth/metrics-access";
import { toErrorResponse } from "@/lib/errors";
import { env } from "@/lib/config";
import { metrics } from "@/lib/observability/metrics";
import { metricsWithWorkers, workerSockets } from "@/lib/runtime/worker-socket";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  try {
    // 1. Scraper token or admin.
    await requireMetricsAccess(request);
    // 2. This process's counters and the database-wide gauges, plus the executor workers' counters.
    const { text, contentType } = await metricsWithWorkers(metrics().registry, workerSockets(env()));
    return new Response(text, { headers: { "content-type": contentType } });
  } catch (error) {
    return toErrorResponse(error);
  }
}
