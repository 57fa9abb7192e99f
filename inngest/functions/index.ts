import { processSmartcarEvent } from "@/inngest/functions/process-smartcar-event";
import { sweepUndispatchedEvents } from "@/inngest/functions/sweep-undispatched-events";

export const functions = [processSmartcarEvent, sweepUndispatchedEvents];
