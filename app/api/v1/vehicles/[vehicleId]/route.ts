// GET /api/v1/vehicles/{vehicleId} – one vehicle: health, latest signals and conditions (API.md §4)
import { z } from "zod";
import { parsePathParams, resourceIdSchema } from "@/lib/api/params";
import { requireRole } from "@/lib/auth/require-role";
import { getVehicleResource } from "@/lib/dal/vehicles";
import { AppError, toErrorResponse } from "@/lib/errors";

const paramsSchema = z.object({ vehicleId: resourceIdSchema });

export async function GET(request: Request, { params }: { params: Promise<{ vehicleId: string }> }): Promise<Response> {
  try {
    // 1. any role may read vehicles; the role decides how precise a location is shown
    const principal = await requireRole(request, "viewer");
    // 2. the vehicle id from the path
    const { vehicleId } = parsePathParams(paramsSchema, await params);
    // 3. the resource, or 404
    const vehicle = await getVehicleResource(vehicleId, { viewerRole: principal.role });
    if (!vehicle) throw new AppError("NOT_FOUND", "No vehicle with this id.");
    return Response.json(vehicle);
  } catch (err) {
    return toErrorResponse(err);
  }
}
