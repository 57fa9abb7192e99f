import { processSmartcarEvent } from "@/inngest/functions/process-smartcar-event";
import { redriveEvents } from "@/inngest/functions/redrive-events";
import { sweepUndispatchedEvents } from "@/inngest/functions/sweep-undispatched-events";

export const functions = [processSmartcarEvent, sweepUndispatchedEvents, redriveEvents];
