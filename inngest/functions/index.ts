import { applyRetention } from "@/inngest/functions/apply-retention";
import { evaluateAlerts } from "@/inngest/functions/evaluate-alerts";
import { processSmartcarEvent } from "@/inngest/functions/process-smartcar-event";
import { redriveEvents } from "@/inngest/functions/redrive-events";
import { sweepUndispatchedEvents } from "@/inngest/functions/sweep-undispatched-events";

export const functions = [processSmartcarEvent, sweepUndispatchedEvents, redriveEvents, evaluateAlerts, applyRetention];
