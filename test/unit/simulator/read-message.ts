// Reads generated messages back the way the receiver does, so tests assert on what is sent.
import { isRecord } from "@/lib/smartcar/coerce";
import { normaliseEvent } from "@/lib/smartcar/normalise";
import type { NormalisedEvent } from "@/lib/smartcar/types";
import type { PlannedMessage } from "@/lib/simulator/plan";

export function normalised(message: PlannedMessage): NormalisedEvent {
  return normaliseEvent(JSON.parse(JSON.stringify(message.template)));
}

/** body.value of a successful signal, undefined when the signal failed or is absent. */
export function value(event: NormalisedEvent, code: string): unknown {
  const signal = event.signals.find((s) => s.code === code);
  if (!signal || signal.error) return undefined;
  return isRecord(signal.body) ? signal.body.value : undefined;
}

export function body(event: NormalisedEvent, code: string): Record<string, unknown> | undefined {
  const signal = event.signals.find((s) => s.code === code);
  const found = signal?.body;
  return isRecord(found) ? found : undefined;
}

/** LIVE VEHICLE_STATE messages per vehicle, in the order the fleet produced them. */
export function statesByVehicle(messages: readonly PlannedMessage[]): Map<string, NormalisedEvent[]> {
  const byVehicle = new Map<string, NormalisedEvent[]>();
  for (const message of [...messages].sort((a, b) => a.n - b.n)) {
    if (message.eventType !== "VEHICLE_STATE" || message.mode !== "LIVE" || message.vehicleId === null) continue;
    const list = byVehicle.get(message.vehicleId) ?? [];
    list.push(normalised(message));
    byVehicle.set(message.vehicleId, list);
  }
  return byVehicle;
}
