// Turns any stored Smartcar payload into the internal model (types.ts). Never throws: whatever cannot
// be used is skipped and described in `warnings`, so one odd signal never costs the rest of the event.
import { isRecord, nonEmptyString } from "./coerce";
import { readEventFields } from "./envelope";
import {
  errorSignalRefSchema,
  eventBodySchema,
  signalSchema,
  triggerSchema,
  vehicleErrorSchema,
  type ErrorSignalRef,
} from "./schema";
import type {
  ConditionState,
  NormalisedEvent,
  NormalisedSignal,
  NormalisedVehicleError,
  VehicleInfo,
} from "./types";

// The best-practices page spells these with _ERROR; real traffic does not (CONTRACT.md §5).
const ERROR_TYPE_ALIASES = new Map([
  ["PERMISSION_ERROR", "PERMISSION"],
  ["UPSTREAM_ERROR", "UPSTREAM"],
]);

interface SignalName {
  code: string | null;
  name: string | null;
  group: string | null;
}

export function normaliseEvent(parsed: unknown): NormalisedEvent {
  const warnings: string[] = [];
  if (!isRecord(parsed)) warnings.push("payload is not an object");
  const body = isRecord(parsed) ? parsed : {};
  const eventId = nonEmptyString(body.eventId);
  if (eventId === null) warnings.push("payload has no eventId");

  const fields = readEventFields(body);
  const shape = eventBodySchema.safeParse(body);
  const data = shape.success ? shape.data.data : null;
  const topLevelTriggers = shape.success ? shape.data.triggers : undefined;

  return {
    eventId: eventId ?? "",
    ...fields,
    vehicle: readVehicle(data?.vehicle ?? null),
    isFirstDelivery: hasFirstDeliveryTrigger(topLevelTriggers) || hasFirstDeliveryTrigger(data?.triggers),
    signals: fields.eventType === "VEHICLE_STATE" ? readSignals(data?.signals, warnings) : [],
    errors: fields.eventType === "VEHICLE_ERROR" ? readErrors(data?.errors, warnings) : [],
    warnings,
  };
}

export function normaliseErrorType(type: string): string {
  const upper = type.toUpperCase();
  return ERROR_TYPE_ALIASES.get(upper) ?? upper;
}

function readVehicle(vehicle: { make: string | null; model: string | null; year: number | null } | null): VehicleInfo {
  return { make: vehicle?.make ?? null, model: vehicle?.model ?? null, year: vehicle?.year ?? null };
}

/** Docs: data.triggers[{code}]; real traffic: top-level triggers[{type}]. Either one counts. */
function hasFirstDeliveryTrigger(triggers: unknown): boolean {
  if (!Array.isArray(triggers)) return false;
  return triggers.some((item) => {
    const trigger = triggerSchema.safeParse(item);
    return trigger.success && (trigger.data.type === "FIRST_DELIVERY" || trigger.data.code === "FIRST_DELIVERY");
  });
}

function readSignals(value: unknown, warnings: string[]): NormalisedSignal[] {
  const items = readList(value, "data.signals", warnings);
  return items.flatMap((item, index) => readSignal(item, `data.signals[${index}]`, warnings) ?? []);
}

function readSignal(item: unknown, where: string, warnings: string[]): NormalisedSignal | null {
  const parsed = signalSchema.safeParse(item);
  if (!parsed.success) {
    warnings.push(`${where}: not an object; skipped`);
    return null;
  }
  const signal = parsed.data;
  const code = signalCode(signal);
  if (code === null) {
    warnings.push(`${where}: no code and no group/name; skipped`);
    return null;
  }
  const common = {
    code,
    name: signal.name,
    group: signal.group,
    oemUpdatedAt: signal.meta?.oemUpdatedAt ?? null,
    retrievedAt: signal.meta?.fetchedAt ?? signal.meta?.retrievedAt ?? null,
  };

  if (signal.status?.value?.toUpperCase() === "ERROR") {
    const type = signal.status.error?.type;
    if (!type) warnings.push(`${where} (${code}): failed without an error type`);
    // A failure carries no reading: the processor keeps the last good body.
    return {
      ...common,
      body: null,
      unit: null,
      error: { type: normaliseErrorType(type || "UNKNOWN"), code: signal.status.error?.code ?? null },
    };
  }
  if (signal.body === undefined || signal.body === null) {
    warnings.push(`${where} (${code}): neither a body nor an error; skipped`);
    return null;
  }
  return { ...common, body: signal.body, unit: unitOf(signal.body), error: null };
}

function unitOf(body: unknown): string | null {
  return isRecord(body) && typeof body.unit === "string" ? body.unit : null;
}

function readErrors(value: unknown, warnings: string[]): NormalisedVehicleError[] {
  const items = readList(value, "data.errors", warnings);
  return items.flatMap((item, index) => readError(item, `data.errors[${index}]`, warnings) ?? []);
}

function readError(item: unknown, where: string, warnings: string[]): NormalisedVehicleError | null {
  const parsed = vehicleErrorSchema.safeParse(item);
  if (!parsed.success) {
    warnings.push(`${where}: not an object; skipped`);
    return null;
  }
  const error = parsed.data;
  if (!error.type) {
    warnings.push(`${where}: no type; skipped`);
    return null;
  }
  return {
    type: normaliseErrorType(error.type),
    code: error.code,
    state: readState(error.state, where, warnings),
    description: error.description,
    resolutionType: error.resolution?.type ?? null,
    signals: readErrorSignals(error.signals, where, warnings),
  };
}

function readState(state: string | null, where: string, warnings: string[]): ConditionState {
  const upper = state?.toUpperCase();
  if (upper === "RESOLVED" || upper === "ERROR") return upper;
  // Missing state means ERROR (CONTRACT.md §5); an unknown one is treated alike but flagged.
  if (state !== null) warnings.push(`${where}: unknown state "${state}", treated as ERROR`);
  return "ERROR";
}

function readErrorSignals(value: unknown, where: string, warnings: string[]): string[] {
  if (value === undefined || value === null) return [];
  const items = readList(value, `${where}.signals`, warnings);
  return items.flatMap((item, index) => {
    const ref = errorSignalRefSchema.safeParse(item);
    const code = ref.success ? refCode(ref.data) : null;
    if (code === null) warnings.push(`${where}.signals[${index}]: no usable signal code; skipped`);
    return code ?? [];
  });
}

function refCode(ref: ErrorSignalRef): string | null {
  if (typeof ref !== "string") return signalCode(ref);
  // "VehicleIdentification.Nickname" is the dotted form of the code "vehicleidentification-nickname".
  return ref.length > 0 ? ref.split(".").join("-").toLowerCase() : null;
}

function signalCode({ code, name, group }: SignalName): string | null {
  if (code) return code.toLowerCase();
  if (group && name) return `${group}-${name}`.toLowerCase();
  return null;
}

function readList(value: unknown, where: string, warnings: string[]): unknown[] {
  if (Array.isArray(value)) return value;
  warnings.push(value === undefined ? `${where} is missing` : `${where} is not an array`);
  return [];
}
