// POST /api/v1/redrive – re-drive every dead-lettered event matching the event-list filters (API.md §5)
import { parseJsonBody } from "@/lib/api/body";
import { requireRole } from "@/lib/auth/require-role";
import { toErrorResponse } from "@/lib/errors";
import { bulkRedriveSchema, createRedriveJob } from "@/lib/redrive/redrive-jobs";

export async function POST(request: Request): Promise<Response> {
  try {
    // 1. support or admin
    const principal = await requireRole(request, "support");
    // 2. the filters (status: DEAD_LETTERED only) and dryRun
    const body = await parseJsonBody(bulkRedriveSchema.strict(), request);
    // 3. a dry run only counts; otherwise the matching ids are fixed in a job that runs in the queue
    const job = await createRedriveJob(principal, body);
    return Response.json(job, { status: body.dryRun ? 200 : 202 });
  } catch (err) {
    return toErrorResponse(err);
  }
}
