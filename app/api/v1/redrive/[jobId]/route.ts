// GET /api/v1/redrive/{jobId} – a bulk re-drive's state and progress (API.md §5)
import { z } from "zod";
import { parsePathParams } from "@/lib/api/params";
import { requireRole } from "@/lib/auth/require-role";
import { AppError, toErrorResponse } from "@/lib/errors";
import { getRedriveJob } from "@/lib/redrive/redrive-jobs";

const paramsSchema = z.object({ jobId: z.uuid() });

export async function GET(request: Request, { params }: { params: Promise<{ jobId: string }> }): Promise<Response> {
  try {
    // 1. support or admin, as for starting one
    const principal = await requireRole(request, "support");
    // 2. the job id
    const { jobId } = parsePathParams(paramsSchema, await params);
    // 3. its state, counted live from its events, or 404
    const job = await getRedriveJob(principal, jobId);
    if (!job) throw new AppError("NOT_FOUND", "No re-drive job with this id.");
    return Response.json(job);
  } catch (err) {
    return toErrorResponse(err);
  }
}
