// GET /api/v1/overview – pipeline counters and latencies per hour, backlog, vehicles needing attention (API.md §5)
import { parseQuery } from "@/lib/api/params";
import { requireRole } from "@/lib/auth/require-role";
import { getOverview, overviewQuerySchema } from "@/lib/dal/overview";
import { toErrorResponse } from "@/lib/errors";

export async function GET(request: Request): Promise<Response> {
  try {
    // 1. any role may read the overview
    const principal = await requireRole(request, "viewer");
    // 2. the range (default: the last 24 hours)
    const query = parseQuery(overviewQuerySchema.strict(), request);
    // 3. rollups + live backlog and vehicle health
    return Response.json(await getOverview(principal, query));
  } catch (err) {
    return toErrorResponse(err);
  }
}
