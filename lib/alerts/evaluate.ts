import { diffAlerts } from "@/lib/alerts/diff";
import { databaseNow, readObservations } from "@/lib/alerts/observe";
import { firingAlerts, type AlertThresholds } from "@/lib/alerts/rules";
import { applyAlertChanges, liveAlerts, withAlertsLock } from "@/lib/alerts/store";
import { pool } from "@/lib/db/pool";
import { logger } from "@/lib/observability/logger";

export type EvaluationResult =
  | { skipped: true }
  | { skipped: false; firing: number; opened: number; refreshed: number; resolved: number };

/**
 * One evaluation: read what the rules look at, work out what fires, and open, refresh and
 * resolve alerts to match — in one transaction, so a failed read changes nothing (it never
 * resolves an alert just because its rule could not be checked). Skipped when another
 * evaluation holds the lock.
 */
export async function evaluateAlertRules(thresholds: AlertThresholds): Promise<EvaluationResult> {
  const result = await withAlertsLock(pool(), async (client) => {
    await client.query("BEGIN");
    try {
      const now = await databaseNow(client);
      const firing = firingAlerts(await readObservations(client, thresholds, now), thresholds);
      const changes = diffAlerts(firing, await liveAlerts(client));
      await applyAlertChanges(client, changes);
      await client.query("COMMIT");
      return { skipped: false as const, firing: firing.length, opened: changes.open.length, refreshed: changes.refresh.length, resolved: changes.resolve.length };
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    }
  });
  if (!result) return { skipped: true };
  if (result.opened + result.resolved > 0) logger.info(result, "alerts.evaluated");
  return result;
}
