// POST /api/v1/events/{eventId}/redrive – process one dead-lettered event again (API.md §5)
import { z } from "zod";
import { parseJsonBody } from "@/lib/api/body";
import { parsePathParams, resourceIdSchema } from "@/lib/api/params";
import { requireRole } from "@/lib/auth/require-role";
import { toErrorResponse } from "@/lib/errors";
import { redriveEvent } from "@/lib/redrive/redrive-event";

const paramsSchema = z.object({ eventId: resourceIdSchema });
const bodySchema = z.strictObject({ force: z.boolean().default(false) });

export async function POST(request: Request, { params }: { params: Promise<{ eventId: string }> }): Promise<Response> {
  try {
    // 1. support or admin
    const principal = await requireRole(request, "support");
    // 2. the event id and {"force": true} to re-process a PROCESSED event
    const { eventId } = parsePathParams(paramsSchema, await params);
    const { force } = await parseJsonBody(bodySchema, request);
    // 3. back to PENDING (audited) and onto the queue; 404 / 409 / 410 otherwise
    return Response.json(await redriveEvent(principal, eventId, { force }), { status: 202 });
  } catch (err) {
    return toErrorResponse(err);
  }
}
