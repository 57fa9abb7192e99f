import { NonRetriableError } from "inngest";
import { z } from "zod";
import { inngest } from "@/inngest/client";
import { SMARTCAR_REDRIVE_REQUESTED, type SmartcarRedriveRequestedData } from "@/inngest/events";
import { failRedriveJob } from "@/lib/redrive/redrive-jobs";
import { finishRedriveJob, REDRIVE_BATCH_SIZE, redriveJobBatch, startRedriveJob } from "@/lib/redrive/run-job";

const eventData = z.object({ jobId: z.uuid() });

// A malformed queue event will not get better with retries.
function parseData(data: unknown): SmartcarRedriveRequestedData {
  const parsed = eventData.safeParse(data);
  if (!parsed.success) throw new NonRetriableError(`Malformed ${SMARTCAR_REDRIVE_REQUESTED} data: ${parsed.error.message}`);
  return parsed.data;
}

// One step per batch: a retry resumes after the last finished batch instead of starting over,
// and no single request runs longer than one batch (Vercel's function time limit).
export const redriveEvents = inngest.createFunction(
  {
    id: "redrive-events",
    name: "Re-drive a bulk selection of events",
    triggers: [{ event: SMARTCAR_REDRIVE_REQUESTED }],
    retries: 3,
    onFailure: async ({ event, error }) => {
      const { jobId } = parseData(event.data.event.data);
      await failRedriveJob(jobId, error.message);
      return { jobId, failed: true };
    },
  },
  async ({ event, step }) => {
    const { jobId } = parseData(event.data);
    const total = await step.run("start-job", () => startRedriveJob(jobId));
    if (total === null) return { jobId, redriven: 0 };
    let redriven = 0;
    for (let offset = 0; offset < total; offset += REDRIVE_BATCH_SIZE) {
      redriven += await step.run(`redrive-batch-${offset / REDRIVE_BATCH_SIZE}`, () => redriveJobBatch(jobId, offset, REDRIVE_BATCH_SIZE));
    }
    await step.run("finish-job", () => finishRedriveJob(jobId));
    return { jobId, redriven };
  },
);
