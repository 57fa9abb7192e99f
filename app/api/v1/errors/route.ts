// GET /api/v1/errors – signal errors, vehicle conditions and delivery/processing failures, grouped (API.md §5)
import { parseQuery } from "@/lib/api/params";
import { requireRole } from "@/lib/auth/require-role";
import { errorsQuerySchema, getErrorBreakdown } from "@/lib/dal/error-breakdown";
import { toErrorResponse } from "@/lib/errors";

export async function GET(request: Request): Promise<Response> {
  try {
    // 1. any role may read error breakdowns
    const principal = await requireRole(request, "viewer");
    // 2. groupBy and the range (default: the last 24 hours)
    const query = parseQuery(errorsQuerySchema.strict(), request);
    // 3. three separate sections from the rollups
    return Response.json(await getErrorBreakdown(principal, query));
  } catch (err) {
    return toErrorResponse(err);
  }
}
