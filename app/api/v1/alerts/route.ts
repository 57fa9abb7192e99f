// GET /api/v1/alerts – what the alert evaluator found, live ones first (API.md §5)
import { parseQuery } from "@/lib/api/params";
import { requireRole } from "@/lib/auth/require-role";
import { alertListQuerySchema, listAlerts } from "@/lib/dal/alerts";
import { toErrorResponse } from "@/lib/errors";

export async function GET(request: Request): Promise<Response> {
  try {
    // 1. any signed-in role
    const principal = await requireRole(request, "viewer");
    // 2. state, limit and cursor
    const query = parseQuery(alertListQuerySchema.strict(), request);
    // 3. one page
    return Response.json(await listAlerts(principal, query));
  } catch (err) {
    return toErrorResponse(err);
  }
}
