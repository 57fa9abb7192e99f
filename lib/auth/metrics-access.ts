import { timingSafeEqual } from "node:crypto";
import { env } from "@/lib/config";
import { bearerValue } from "@/lib/auth/token-format";
import { requireRole } from "@/lib/auth/require-role";

/** /api/metrics: the METRICS_TOKEN (for a Prometheus scraper) or an admin's credentials. */
export async function requireMetricsAccess(request: Request): Promise<void> {
  const expected = env().METRICS_TOKEN;
  const presented = bearerValue(request.headers.get("authorization"));
  if (expected && presented && constantTimeEquals(presented, expected)) return;
  await requireRole(request, "admin");
}

function constantTimeEquals(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
