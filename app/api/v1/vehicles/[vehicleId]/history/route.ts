// GET /api/v1/vehicles/{vehicleId}/history – one signal's time series for charts (API.md §5)
import { z } from "zod";
import { parsePathParams, parseQuery, resourceIdSchema } from "@/lib/api/params";
import { requireRole } from "@/lib/auth/require-role";
import { getVehicleHistory, historyQuerySchema } from "@/lib/dal/vehicle-history";
import { AppError, toErrorResponse } from "@/lib/errors";

const paramsSchema = z.object({ vehicleId: resourceIdSchema });

export async function GET(request: Request, { params }: { params: Promise<{ vehicleId: string }> }): Promise<Response> {
  try {
    // 1. any role may read history; the role decides how precise a location is shown
    const principal = await requireRole(request, "viewer");
    // 2. the vehicle, the signal and the range
    const { vehicleId } = parsePathParams(paramsSchema, await params);
    const query = parseQuery(historyQuerySchema.strict(), request);
    // 3. the points (downsampled past a chart's worth), or 404
    const history = await getVehicleHistory(principal, vehicleId, query);
    if (!history) throw new AppError("NOT_FOUND", "No vehicle with this id.");
    return Response.json(history);
  } catch (err) {
    return toErrorResponse(err);
  }
}
