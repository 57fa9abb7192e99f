// The internal model every Smartcar payload shape is normalised into (CONTRACT.md §2, §5, §6).
// Timestamps are epoch milliseconds; absent values are null, never undefined.

export type EventMode = "LIVE" | "TEST";

/** What the receiver needs from a verified body, cheap to extract on the hot path. */
export type Envelope =
  | { kind: "verify"; challenge: unknown; legacy: boolean }
  | { kind: "legacy_v2"; eventId: string; eventType: "LEGACY_V2" }
  | {
      kind: "event";
      eventId: string;
      eventType: string;
      vehicleId: string | null;
      userId: string | null;
      mode: EventMode | null;
      deliveryId: string | null;
      deliveredAt: number | null;
    }
  | { kind: "invalid"; reason: "NOT_AN_OBJECT" | "NO_EVENT_ID" };

export interface SignalError {
  type: string;
  code: string | null;
}

export interface NormalisedSignal {
  /** Lower-case "<group>-<name>", e.g. "tractionbattery-stateofcharge". */
  code: string;
  name: string | null;
  group: string | null;
  /** The body as received when the signal succeeded; null for a failed signal. */
  body: unknown;
  unit: string | null;
  /** Set when the signal failed (status ERROR); the body is then null. */
  error: SignalError | null;
  oemUpdatedAt: number | null;
  /** meta.fetchedAt (newest docs) or meta.retrievedAt (real traffic). */
  retrievedAt: number | null;
}

export type ConditionState = "ERROR" | "RESOLVED";

export interface NormalisedVehicleError {
  /** Normalised: PERMISSION_ERROR → PERMISSION, UPSTREAM_ERROR → UPSTREAM. */
  type: string;
  code: string | null;
  /** A missing state means ERROR. */
  state: ConditionState;
  description: string | null;
  resolutionType: string | null;
  /** Lower-case signal codes ("VehicleIdentification.Nickname" → "vehicleidentification-nickname"). */
  signals: string[];
}

export interface VehicleInfo {
  make: string | null;
  model: string | null;
  year: number | null;
}

export interface NormalisedEvent {
  eventId: string;
  eventType: string;
  vehicleId: string | null;
  userId: string | null;
  vehicle: VehicleInfo;
  mode: EventMode | null;
  deliveryId: string | null;
  deliveredAt: number | null;
  isFirstDelivery: boolean;
  signals: NormalisedSignal[];
  errors: NormalisedVehicleError[];
  /** Oddities found while normalising (e.g. "signal without code"), shown to operators. */
  warnings: string[];
}
