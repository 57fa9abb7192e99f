// GET /api/v1/audit – the audit log, newest first, keyset-paginated (admin; API.md §5)
import { z } from "zod";
import { parseQuery } from "@/lib/api/params";
import { listAuditEntries } from "@/lib/audit";
import { requireRole } from "@/lib/auth/require-role";
import { toErrorResponse } from "@/lib/errors";

const querySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(200).optional(),
});

export async function GET(request: Request): Promise<Response> {
  try {
    // 1. admins only
    await requireRole(request, "admin");
    // 2. page size and position
    const query = parseQuery(querySchema, request);
    // 3. one page, newest first
    return Response.json(await listAuditEntries(query));
  } catch (err) {
    return toErrorResponse(err);
  }
}
