// GET /api/v1/events/{eventId} – one stored event: lifecycle, counts and last error (API.md §3)
import { z } from "zod";
import { parsePathParams, resourceIdSchema } from "@/lib/api/params";
import { requireRole } from "@/lib/auth/require-role";
import { getEventResource } from "@/lib/dal/events";
import { AppError, toErrorResponse } from "@/lib/errors";

const paramsSchema = z.object({ eventId: resourceIdSchema });

export async function GET(request: Request, { params }: { params: Promise<{ eventId: string }> }): Promise<Response> {
  try {
    // 1. any role may read events
    await requireRole(request, "viewer");
    // 2. the event id from the path
    const { eventId } = parsePathParams(paramsSchema, await params);
    // 3. the resource, or 404
    const event = await getEventResource(eventId);
    if (!event) throw new AppError("NOT_FOUND", "No event with this id.");
    return Response.json(event);
  } catch (err) {
    return toErrorResponse(err);
  }
}
