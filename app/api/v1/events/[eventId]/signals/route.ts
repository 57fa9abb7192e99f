// GET /api/v1/events/{eventId}/signals – the signals of the stored payload, as Smartcar sent them, each with its outcome
import { z } from "zod";
import { parsePathParams, resourceIdSchema } from "@/lib/api/params";
import { requireRole } from "@/lib/auth/require-role";
import { listEventSignals } from "@/lib/dal/events";
import { AppError, toErrorResponse } from "@/lib/errors";

const paramsSchema = z.object({ eventId: resourceIdSchema });

export async function GET(request: Request, { params }: { params: Promise<{ eventId: string }> }): Promise<Response> {
  try {
    // 1. any role may read events; the role decides how precise a location is shown
    const principal = await requireRole(request, "viewer");
    // 2. the event id from the path
    const { eventId } = parsePathParams(paramsSchema, await params);
    // 3. the signals (410 once the payload is purged), or 404 for an unknown event
    const items = await listEventSignals(eventId, { viewerRole: principal.role });
    if (!items) throw new AppError("NOT_FOUND", "No event with this id.");
    return Response.json({ items });
  } catch (err) {
    return toErrorResponse(err);
  }
}
