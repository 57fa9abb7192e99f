// GET /api/v1/rejections/{rejectionId} – one refused request with the first 2 KB of its body
import { z } from "zod";
import { parsePathParams } from "@/lib/api/params";
import { requireRole } from "@/lib/auth/require-role";
import { getRejection, rejectionIdSchema } from "@/lib/dal/rejections";
import { AppError, toErrorResponse } from "@/lib/errors";

const paramsSchema = z.object({ rejectionId: rejectionIdSchema });

export async function GET(request: Request, { params }: { params: Promise<{ rejectionId: string }> }): Promise<Response> {
  try {
    // 1. support or admin
    const principal = await requireRole(request, "support");
    // 2. the rejection id
    const { rejectionId } = parsePathParams(paramsSchema, await params);
    // 3. the detail, or 404
    const rejection = await getRejection(principal, rejectionId);
    if (!rejection) throw new AppError("NOT_FOUND", "No rejection with this id.");
    return Response.json(rejection);
  } catch (err) {
    return toErrorResponse(err);
  }
}
