// GET /api/v1/vehicles – the fleet: health, battery and range per vehicle, keyset-paged (API.md §5)
import { parseQuery } from "@/lib/api/params";
import { requireRole } from "@/lib/auth/require-role";
import { listVehicles, vehicleListQuerySchema } from "@/lib/dal/vehicle-list";
import { toErrorResponse } from "@/lib/errors";

export async function GET(request: Request): Promise<Response> {
  try {
    // 1. any role may read vehicles
    const principal = await requireRole(request, "viewer");
    // 2. health filter, limit and cursor
    const query = parseQuery(vehicleListQuerySchema.strict(), request);
    // 3. one page
    return Response.json(await listVehicles(principal, query));
  } catch (err) {
    return toErrorResponse(err);
  }
}
