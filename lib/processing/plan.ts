import type { NormalisedEvent, NormalisedSignal, NormalisedVehicleError, VehicleInfo } from "@/lib/smartcar/types";

// Pure decisions of the processing rules (DESIGN.md "Processing rules"): what an event should
// change, computed without a database. The persistence layer turns a plan into SQL whose
// "only if strictly newer" conditions make concurrent and replayed runs safe.

export type SignalStatus = "OK" | "ERROR" | "UNSUPPORTED";

/** A reading or a failure to write into the latest-state table (and history for readings). */
export interface SignalWrite {
  code: string;
  name: string | null;
  group: string | null;
  status: SignalStatus;
  body: unknown;
  unit: string | null;
  errorType: string | null;
  errorCode: string | null;
  oemUpdatedAt: Date | null;
  retrievedAt: Date | null;
  /**
   * The reading's ordering key: (keyAt, keyTie); a body replaces the stored one only when its key
   * is strictly greater. A failure carries no reading: its key is the epoch, below every reading.
   */
  keyAt: Date;
  keyTie: Date;
  /**
   * When this status was observed (the fetch time, else the event's): a status replaces the
   * stored one only when observed strictly later. Apart from the key because an unchanged value
   * keeps its old reading time: a VIN read days ago must still clear a failure reported since.
   */
  statusAt: Date;
  /** body.value when it is a finite number: what the charts plot. */
  numericValue: number | null;
}

export interface ConditionWrite {
  type: string;
  code: string;
  state: "ERROR" | "RESOLVED";
  description: string | null;
  resolutionType: string | null;
  signals: string[];
}

export type Plan =
  | { action: "ignore"; outcome: "IGNORED_EVENT_TYPE" | "TEST_NOT_APPLIED" }
  | { action: "dead_letter"; reason: "NO_VEHICLE_ID"; message: string }
  | {
      action: "apply_state";
      vehicleId: string;
      userId: string | null;
      vehicle: VehicleInfo;
      eventAt: Date;
      firstDelivery: boolean;
      signals: SignalWrite[];
      failedCount: number;
    }
  | {
      action: "apply_errors";
      vehicleId: string;
      userId: string | null;
      vehicle: VehicleInfo;
      eventAt: Date;
      conditions: ConditionWrite[];
      /** Signals listed by COMPATIBILITY errors: marked UNSUPPORTED. */
      unsupported: SignalWrite[];
    };

export interface PlanContext {
  /** The event's first meta.deliveredAt, else its receipt time: the fallback ordering time. */
  eventAt: Date;
  applyTestEvents: boolean;
}

/** Untimed parts of an ordering key sort before any real time. */
export const EPOCH = new Date(0);

const REAUTH_TYPES = new Set(["CONNECTED_SERVICES_ACCOUNT", "PERMISSION"]);

export function needsReauthType(type: string): boolean {
  return REAUTH_TYPES.has(type);
}

export function planEvent(event: NormalisedEvent, ctx: PlanContext): Plan {
  if (event.eventType !== "VEHICLE_STATE" && event.eventType !== "VEHICLE_ERROR") {
    return { action: "ignore", outcome: "IGNORED_EVENT_TYPE" };
  }
  if (event.mode === "TEST" && !ctx.applyTestEvents) return { action: "ignore", outcome: "TEST_NOT_APPLIED" };
  if (!event.vehicleId) {
    return { action: "dead_letter", reason: "NO_VEHICLE_ID", message: "No vehicle id in vehicleId or data.vehicle.id: the event cannot be applied." };
  }
  const base = { vehicleId: event.vehicleId, userId: event.userId, vehicle: event.vehicle, eventAt: ctx.eventAt };
  if (event.eventType === "VEHICLE_STATE") {
    const signals = newestPerCode(event.signals.map((s) => signalWrite(s, ctx.eventAt)));
    return {
      action: "apply_state",
      ...base,
      firstDelivery: event.isFirstDelivery,
      signals,
      failedCount: event.signals.filter((s) => s.error !== null).length,
    };
  }
  return {
    action: "apply_errors",
    ...base,
    conditions: newestPerCondition(event.errors.map(conditionWrite)),
    unsupported: newestPerCode(unsupportedSignals(event.errors, ctx.eventAt)),
  };
}

export function signalWrite(s: NormalisedSignal, eventAt: Date): SignalWrite {
  const oemUpdatedAt = toDate(s.oemUpdatedAt);
  const retrievedAt = toDate(s.retrievedAt);
  const failed = s.error !== null;
  return {
    code: s.code,
    name: s.name,
    group: s.group,
    status: failed ? (s.error?.type === "COMPATIBILITY" ? "UNSUPPORTED" : "ERROR") : "OK",
    body: failed ? null : s.body,
    unit: failed ? null : s.unit,
    errorType: s.error?.type ?? null,
    errorCode: s.error?.code ?? null,
    oemUpdatedAt,
    retrievedAt,
    keyAt: failed ? EPOCH : (oemUpdatedAt ?? retrievedAt ?? eventAt),
    keyTie: failed ? EPOCH : (retrievedAt ?? EPOCH),
    statusAt: retrievedAt ?? eventAt,
    numericValue: failed ? null : numericValue(s.body),
  };
}

function conditionWrite(e: NormalisedVehicleError): ConditionWrite {
  return {
    type: e.type,
    code: e.code ?? "",
    state: e.state,
    description: e.description,
    resolutionType: e.resolutionType,
    signals: e.signals,
  };
}

function unsupportedSignals(errors: NormalisedVehicleError[], eventAt: Date): SignalWrite[] {
  return errors
    .filter((e) => e.type === "COMPATIBILITY" && e.state === "ERROR")
    .flatMap((e) =>
      e.signals.map((code) => ({
        code,
        name: null,
        group: null,
        status: "UNSUPPORTED" as const,
        body: null,
        unit: null,
        errorType: e.type,
        errorCode: e.code,
        oemUpdatedAt: null,
        retrievedAt: null,
        keyAt: EPOCH,
        keyTie: EPOCH,
        statusAt: eventAt,
        numericValue: null,
      })),
    );
}

/** One write per code (a payload repeating a code keeps its newest), as one SQL upsert needs. */
export function newestPerCode(writes: SignalWrite[]): SignalWrite[] {
  const byCode = new Map<string, SignalWrite>();
  for (const w of writes) {
    const seen = byCode.get(w.code);
    if (!seen || compareKeys(w, seen) > 0) byCode.set(w.code, w);
  }
  return [...byCode.values()];
}

function newestPerCondition(writes: ConditionWrite[]): ConditionWrite[] {
  // Within one event a RESOLVED and an ERROR for the same key cannot be ordered; keep the last.
  const byKey = new Map<string, ConditionWrite>();
  for (const w of writes) byKey.set(`${w.type}\u0000${w.code}`, w);
  return [...byKey.values()];
}

/** Reading key first, then the observation time: within one payload a reading beats a failure. */
export function compareKeys(a: Pick<SignalWrite, "keyAt" | "keyTie" | "statusAt">, b: Pick<SignalWrite, "keyAt" | "keyTie" | "statusAt">): number {
  return a.keyAt.getTime() - b.keyAt.getTime() || a.keyTie.getTime() - b.keyTie.getTime() || a.statusAt.getTime() - b.statusAt.getTime();
}

function numericValue(body: unknown): number | null {
  if (typeof body !== "object" || body === null || !("value" in body)) return null;
  const value = body.value;
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function toDate(ms: number | null): Date | null {
  return ms === null || !Number.isFinite(ms) ? null : new Date(ms);
}
