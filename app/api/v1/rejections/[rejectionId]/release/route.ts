// POST /api/v1/rejections/{rejectionId}/release – re-check a quarantined body against the current tokens and store it (API.md §5)
import { z } from "zod";
import { parsePathParams } from "@/lib/api/params";
import { requireRole } from "@/lib/auth/require-role";
import { rejectionIdSchema } from "@/lib/dal/rejections";
import { toErrorResponse } from "@/lib/errors";
import { releaseRejection } from "@/lib/ingest/release-rejection";

const paramsSchema = z.object({ rejectionId: rejectionIdSchema });

export async function POST(request: Request, { params }: { params: Promise<{ rejectionId: string }> }): Promise<Response> {
  try {
    // 1. support or admin
    const principal = await requireRole(request, "support");
    // 2. the rejection id
    const { rejectionId } = parsePathParams(paramsSchema, await params);
    // 3. verify again, store with the original receivedAt, dispatch (audited); 409 / 410 otherwise
    return Response.json(await releaseRejection(principal, rejectionId), { status: 201 });
  } catch (err) {
    return toErrorResponse(err);
  }
}
