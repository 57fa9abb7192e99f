// Hot path: classify a verified body and pull out the few fields the receiver stores, without a schema pass.
import { isRecord, nonEmptyString, toEpochMs } from "./coerce";
import { sha256Hex } from "./signature";
import type { Envelope, EventMode } from "./types";

export type EventFields = Omit<Extract<Envelope, { kind: "event" }>, "kind" | "eventId">;

const decoder = new TextDecoder("utf-8", { fatal: false });

export function parseJson(rawBody: Uint8Array): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(decoder.decode(rawBody)) };
  } catch {
    return { ok: false };
  }
}

export function readEnvelope(parsed: unknown, rawBody: Uint8Array): Envelope {
  if (!isRecord(parsed)) return { kind: "invalid", reason: "NOT_AN_OBJECT" };

  if (parsed.eventType === "VERIFY") {
    return { kind: "verify", challenge: field(parsed.data, "challenge"), legacy: false };
  }
  if (parsed.eventName === "verify") {
    return { kind: "verify", challenge: field(parsed.payload, "challenge"), legacy: true };
  }

  const eventId = nonEmptyString(parsed.eventId);
  if (eventId === null && parsed.version === "2.0" && typeof parsed.eventName === "string") {
    // v2 bodies carry no id; hashing the bytes makes Smartcar's retries of the same body duplicates.
    return { kind: "legacy_v2", eventId: `v2:${sha256Hex(rawBody)}`, eventType: "LEGACY_V2" };
  }
  if (eventId === null) return { kind: "invalid", reason: "NO_EVENT_ID" };

  return { kind: "event", eventId, ...readEventFields(parsed) };
}

/** Shared with normaliseEvent so the receiver and the processor never disagree on these fields. */
export function readEventFields(body: Record<string, unknown>): EventFields {
  const { data, meta } = body;
  return {
    eventType: nonEmptyString(body.eventType) ?? "UNKNOWN",
    // Newest docs put vehicleId at the top level; real payloads often only have data.vehicle.id.
    vehicleId: nonEmptyString(body.vehicleId) ?? nonEmptyString(field(field(data, "vehicle"), "id")),
    userId: nonEmptyString(field(field(data, "user"), "id")),
    mode: readMode(field(meta, "mode")),
    deliveryId: nonEmptyString(field(meta, "deliveryId")),
    // deliveryTime: the name early payloads used.
    deliveredAt: toEpochMs(field(meta, "deliveredAt")) ?? toEpochMs(field(meta, "deliveryTime")),
  };
}

function readMode(value: unknown): EventMode | null {
  if (typeof value !== "string") return null;
  const mode = value.toUpperCase();
  return mode === "LIVE" || mode === "TEST" ? mode : null;
}

/** Missing, not an object, or absent key → null, so callers never see undefined. */
function field(value: unknown, key: string): unknown {
  return isRecord(value) && Object.hasOwn(value, key) ? value[key] : null;
}
