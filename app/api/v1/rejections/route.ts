// GET /api/v1/rejections – requests the receiver refused, newest first, without their bodies (API.md §5)
import { parseQuery } from "@/lib/api/params";
import { requireRole } from "@/lib/auth/require-role";
import { listRejections, rejectionListQuerySchema } from "@/lib/dal/rejections";
import { toErrorResponse } from "@/lib/errors";

export async function GET(request: Request): Promise<Response> {
  try {
    // 1. support or admin: rejected requests may hold anything a stranger sent
    const principal = await requireRole(request, "support");
    // 2. reason, range, limit and cursor
    const query = parseQuery(rejectionListQuerySchema.strict(), request);
    // 3. one page
    return Response.json(await listRejections(principal, query));
  } catch (err) {
    return toErrorResponse(err);
  }
}
