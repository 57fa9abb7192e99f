// GET /api/health – liveness and database reachability for probes and the launcher (no auth)
import { z } from "zod";
import { parseQuery } from "@/lib/api/params";
import { toErrorResponse } from "@/lib/errors";
import { checkHealth } from "@/lib/observability/health";

// It reaches the database on every call: never prerender it at build time.
export const dynamic = "force-dynamic";

const querySchema = z.object({ deep: z.enum(["0", "1", "true", "false"]).optional() });

export async function GET(request: Request): Promise<Response> {
  try {
    // 1. ?deep=1 adds the backlog and executor counts
    const { deep } = parseQuery(querySchema, request);
    // 2. probe the database (bounded) and read the modes
    const report = await checkHealth({ deep: deep === "1" || deep === "true" });
    // 3. 503 tells probes to take this instance out of rotation
    return Response.json(report, { status: report.status === "ok" ? 200 : 503, headers: { "Cache-Control": "no-store" } });
  } catch (err) {
    return toErrorResponse(err);
  }
}
