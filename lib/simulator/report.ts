// `simulate --report <file>`: the summary plus every event the receiver acknowledged, so a run
// against any deployment can be checked afterwards — each listed eventId must end PROCESSED or
// DEAD_LETTERED (e.g. through GET /api/v1/events/{eventId}).
import type { EventMode } from "./payload";
import type { PlannedMessage } from "./plan";
import type { Summary } from "./tally";

export interface AcknowledgedEvent {
  eventId: string;
  eventType: PlannedMessage["eventType"];
  vehicleId: string | null;
  mode: EventMode;
}

export interface SimulationReport {
  summary: Summary;
  /** In the order the receiver first answered 200 for them; each eventId once. */
  acknowledged: AcknowledgedEvent[];
}

/** Collects acknowledged events through runSimulation's onAcknowledged hook. */
export function acknowledgementLog(): { onAcknowledged: (message: PlannedMessage) => void; report: (summary: Summary) => SimulationReport } {
  const acknowledged: AcknowledgedEvent[] = [];
  return {
    onAcknowledged: (message) => acknowledged.push({ eventId: message.eventId, eventType: message.eventType, vehicleId: message.vehicleId, mode: message.mode }),
    report: (summary) => ({ summary, acknowledged }),
  };
}
