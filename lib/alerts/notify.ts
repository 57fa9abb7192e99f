import { alertMessage } from "@/lib/alerts/message";
import { markNotified, markNotifyFailed, pendingNotifications, withAlertsLock } from "@/lib/alerts/store";
import { postToWebhook } from "@/lib/alerts/webhook";
import { pool } from "@/lib/db/pool";
import { logger } from "@/lib/observability/logger";

// Posts each alert transition (opened, resolved) to the webhook once. A failure is written to
// the alert's notify_error and tried again at the next evaluation; it never fails the caller.
// At least once, not exactly once: a process dying between a delivered POST and its mark sends
// that message again.

/** Messages per run: with the timeout, what bounds one run's time. */
const BATCH = 20;
/** A transition older than this is not announced any more (e.g. when a webhook is configured later). */
const MAX_AGE_HOURS = 24;

export type NotifyResult = { skipped: "NO_WEBHOOK" | "LOCKED" } | { sent: number; failed: number };

export async function notifyAlerts({ webhookUrl, timeoutMs }: { webhookUrl: string | undefined; timeoutMs: number }): Promise<NotifyResult> {
  if (!webhookUrl) return { skipped: "NO_WEBHOOK" };
  const result = await withAlertsLock(pool(), async (client) => {
    let sent = 0;
    let failed = 0;
    for (const { alert, transition } of await pendingNotifications(client, { maxAgeHours: MAX_AGE_HOURS, limit: BATCH })) {
      const outcome = await postToWebhook(webhookUrl, alertMessage(alert, transition), timeoutMs);
      if (outcome.ok) {
        await markNotified(client, alert.id);
        sent += 1;
        continue;
      }
      await markNotifyFailed(client, alert.id, outcome.error);
      failed += 1;
      logger.warn({ alertId: alert.id, rule: alert.rule, transition, error: outcome.error }, "alerts.notify_failed");
      // No answer at all: the rest would only wait out the same timeout, one after another.
      if (!outcome.answered) break;
    }
    return { sent, failed };
  });
  return result ?? { skipped: "LOCKED" };
}
