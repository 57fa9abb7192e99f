import { randomUUID } from "node:crypto";

export interface SignalSpec {
  code: string;
  value: unknown;
  unit?: string;
  oemUpdatedAt?: number;
  retrievedAt?: number;
}

/** A minimal VEHICLE_STATE in the newest-docs shape with the given signals. */
export function vehicleState(vehicleId: string, signals: SignalSpec[], extra: { eventId?: string; deliveredAt?: number; mode?: "LIVE" | "TEST" } = {}): string {
  return JSON.stringify({
    eventId: extra.eventId ?? randomUUID(),
    eventType: "VEHICLE_STATE",
    vehicleId,
    data: {
      user: { id: "user-1" },
      vehicle: { id: vehicleId, make: "TESLA", model: "Model Y", year: 2024 },
      signals: signals.map((s) => {
        const [group = "", name = ""] = s.code.split("-");
        return {
          code: s.code,
          name,
          group,
          body: s.unit === undefined ? { value: s.value } : { value: s.value, unit: s.unit },
          meta: { oemUpdatedAt: s.oemUpdatedAt, fetchedAt: s.retrievedAt },
        };
      }),
    },
    meta: { version: "4.0", deliveryId: randomUUID(), deliveredAt: extra.deliveredAt ?? Date.now(), mode: extra.mode ?? "LIVE" },
  });
}
