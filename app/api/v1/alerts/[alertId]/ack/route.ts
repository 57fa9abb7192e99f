// POST /api/v1/alerts/{alertId}/ack – someone is on it: OPEN → ACKNOWLEDGED, audited (API.md §5)
import { z } from "zod";
import { parsePathParams } from "@/lib/api/params";
import { acknowledgeAlert } from "@/lib/alerts/acknowledge";
import { requireRole } from "@/lib/auth/require-role";
import { alertIdSchema } from "@/lib/dal/alerts";
import { toErrorResponse } from "@/lib/errors";

const paramsSchema = z.object({ alertId: alertIdSchema });

export async function POST(request: Request, { params }: { params: Promise<{ alertId: string }> }): Promise<Response> {
  try {
    // 1. support or admin
    const principal = await requireRole(request, "support");
    // 2. the alert id (anything but a positive integer names no alert: 404)
    const { alertId } = parsePathParams(paramsSchema, await params);
    // 3. acknowledged with its audit entry; 404 unknown, 409 already resolved
    return Response.json(await acknowledgeAlert(principal, alertId));
  } catch (err) {
    return toErrorResponse(err);
  }
}
