import { inngest } from "@/inngest/client";
import { env } from "@/lib/config";
import { logRetention, reportOf, RETENTION_TASKS, runRetentionTask } from "@/lib/retention/apply-retention";
import { retentionSettings } from "@/lib/retention/policy";

// A cron function rather than a timer in the app, so it also runs on Vercel (and the embedded
// executor runs it locally). One step per task: each request stays within one task's time budget
// (RETENTION_TIME_BUDGET_SECONDS, under a serverless function's time limit), and a retry resumes
// after the tasks that finished. A backlog too big for one run is worked off over the next ones,
// from where the walks stopped. One run at a time.
export const applyRetention = inngest.createFunction(
  {
    id: "apply-retention",
    name: "Apply data retention",
    triggers: [{ cron: "*/15 * * * *" }],
    retries: 1,
    concurrency: { limit: 1 },
  },
  async ({ step }) => {
    const settings = retentionSettings(env());
    const results = [];
    for (const task of RETENTION_TASKS) {
      results.push({ task, ...(await step.run(task, () => runRetentionTask(task, settings))) });
    }
    const report = reportOf(results);
    logRetention(report);
    return report;
  },
);
