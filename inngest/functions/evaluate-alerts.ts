import { inngest } from "@/inngest/client";
import { evaluateAlertRules } from "@/lib/alerts/evaluate";
import { notifyAlerts } from "@/lib/alerts/notify";
import { alertThresholds } from "@/lib/alerts/settings";
import { env } from "@/lib/config";

// A cron function rather than a timer in the app, so it also runs on Vercel (and the embedded
// executor fires it like any other cron). Two steps: a notification failing or timing out never
// repeats or undoes the evaluation, and the next tick retries what was not delivered.
export const evaluateAlerts = inngest.createFunction(
  { id: "evaluate-alerts", name: "Evaluate alert rules and notify", triggers: [{ cron: env().ALERT_EVALUATION_CRON }], retries: 1 },
  async ({ step }) => {
    const evaluation = await step.run("evaluate-rules", () => evaluateAlertRules(alertThresholds(env())));
    const notifications = await step.run("notify-webhook", () =>
      notifyAlerts({ webhookUrl: env().ALERT_WEBHOOK_URL, timeoutMs: env().ALERT_WEBHOOK_TIMEOUT_MS }),
    );
    return { evaluation, notifications };
  },
);
