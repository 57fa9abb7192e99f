// GET /api/v1/events – the event list: filters, newest first, keyset-paged (API.md §5)
import { parseQuery } from "@/lib/api/params";
import { requireRole } from "@/lib/auth/require-role";
import { eventListQuerySchema, listEvents } from "@/lib/dal/event-list";
import { toErrorResponse } from "@/lib/errors";

export async function GET(request: Request): Promise<Response> {
  try {
    // 1. any role may read events
    const principal = await requireRole(request, "viewer");
    // 2. filters, limit and cursor (unknown keys are a 400, not silently ignored)
    const query = parseQuery(eventListQuerySchema.strict(), request);
    // 3. one page
    return Response.json(await listEvents(principal, query));
  } catch (err) {
    return toErrorResponse(err);
  }
}
