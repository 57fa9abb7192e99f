import { actorFromPrincipal, recordAudit } from "@/lib/audit";
import type { Principal } from "@/lib/auth/require-role";
import { prisma } from "@/lib/db/prisma";
import { alertIdSchema, toAlertResource, type AlertResource } from "@/lib/dal/alerts";
import { assertRole } from "@/lib/dal/authorize";
import { AppError } from "@/lib/errors";

/**
 * Acknowledges an open alert (API.md §5 POST /alerts/{id}/ack): someone is on it. The state
 * change and its audit entry commit together. Acknowledging an acknowledged alert changes nothing
 * and answers it as it is; a resolved one is a CONFLICT (409), an unknown id NOT_FOUND. An
 * acknowledged alert still resolves by itself when its condition clears.
 */
export async function acknowledgeAlert(principal: Principal, alertId: string): Promise<AlertResource> {
  assertRole(principal, "support");
  if (!alertIdSchema.safeParse(alertId).success) throw new AppError("NOT_FOUND", "No alert with this id.");
  const actor = actorFromPrincipal(principal);
  const id = BigInt(alertId);
  const row = await prisma().$transaction(async (tx) => {
    // The state condition is in the UPDATE: an evaluation resolving it meanwhile wins cleanly.
    const [acknowledged] = await tx.alert.updateManyAndReturn({
      where: { id, state: "OPEN" },
      data: { state: "ACKNOWLEDGED", acknowledgedAt: new Date(), acknowledgedBy: actor.name },
    });
    if (acknowledged) {
      await recordAudit(
        {
          actor,
          action: "alert.acknowledge",
          targetType: "alert",
          targetId: alertId,
          details: { rule: acknowledged.rule, subject: acknowledged.subject, severity: acknowledged.severity },
        },
        tx,
      );
      return acknowledged;
    }
    const found = await tx.alert.findUnique({ where: { id } });
    if (!found) throw new AppError("NOT_FOUND", "No alert with this id.");
    if (found.state === "RESOLVED") throw new AppError("CONFLICT", "The alert is already resolved: there is nothing left to acknowledge.");
    return found;
  });
  return toAlertResource({ ...row, id: row.id.toString() });
}
