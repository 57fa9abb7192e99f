// Webhook bodies in both shapes seen in the wild (CONTRACT.md §2): the newest docs (top-level
// vehicleId, data.triggers, meta.fetchedAt) and captured real traffic (data.vehicle.id only,
// top-level triggers, meta.retrievedAt, status SUCCESS). A template carries every field but the
// two that change per HTTP attempt, meta.deliveryId and meta.deliveredAt (stampDelivery).
import { signalName } from "./catalog";
import type { PayloadShape, VehicleProfile } from "./fleet";
import { deterministicUuid } from "./random";
import type { ErrorReport, ReportedError, ReportedSignal, StateReport } from "./timeline";

export type JsonObject = { [key: string]: unknown };
export type EventMode = "LIVE" | "TEST";

export interface TemplateContext {
  seed: string;
  eventId: string;
  /** Added to the report's simulation times to put them on the wall clock. */
  offsetMs: number;
  mode: EventMode;
}

const DOC_PAGES: Record<string, string> = {
  VEHICLE_STATE: "vehicle-state-errors",
  UPSTREAM: "upstream-errors",
  UPSTREAM_ERROR: "upstream-errors",
  RATE_LIMIT: "rate-limit-errors",
  CONNECTED_SERVICES_ACCOUNT: "connected-services-account-errors",
  PERMISSION: "permission-errors",
  PERMISSION_ERROR: "permission-errors",
  COMPATIBILITY: "compatibility-errors",
};

export function stateTemplate(report: StateReport, ctx: TemplateContext): JsonObject {
  const { vehicle } = report;
  const shape = vehicle.shape;
  const signals = report.signals.map((signal) => signalJson(signal, shape, ctx.offsetMs));
  const triggers = report.firstDelivery
    ? [shape === "docs" ? { code: "FIRST_DELIVERY" } : { type: "FIRST_DELIVERY" }]
    : report.triggers.map((code) => (shape === "docs" ? signalName(code) : { type: "SIGNAL_UPDATED", signal: signalName(code) }));
  const user = { id: vehicle.userId };
  const meta = metaJson(ctx, shape, signals.length);
  if (shape === "docs") {
    return {
      eventId: ctx.eventId,
      eventType: "VEHICLE_STATE",
      vehicleId: vehicle.vehicleId,
      data: { user, vehicle: vehicleJson(vehicle, shape, ctx.mode), triggers, signals },
      meta,
    };
  }
  return {
    eventId: ctx.eventId,
    eventType: "VEHICLE_STATE",
    data: { user, vehicle: vehicleJson(vehicle, shape, ctx.mode), signals },
    triggers,
    meta,
  };
}

export function errorTemplate(report: ErrorReport, ctx: TemplateContext): JsonObject {
  const { vehicle } = report;
  const data = { user: { id: vehicle.userId }, vehicle: vehicleJson(vehicle, vehicle.shape, ctx.mode), errors: report.errors.map(errorJson) };
  const meta = metaJson(ctx, vehicle.shape, null);
  return vehicle.shape === "docs"
    ? { eventId: ctx.eventId, eventType: "VEHICLE_ERROR", vehicleId: vehicle.vehicleId, data, meta }
    : { eventId: ctx.eventId, eventType: "VEHICLE_ERROR", data, meta };
}

/** VERIFY as sent on webhook creation; the legacy v2 form has no eventId and no meta. */
export function verifyTemplate(seed: string, eventId: string, challenge: string, legacy: boolean): JsonObject {
  if (legacy) return { version: "2.0", webhookId: webhookId(seed, "docs"), eventName: "verify", payload: { challenge } };
  return { eventId, eventType: "VERIFY", data: { challenge }, meta: metaJson({ seed, mode: "LIVE" }, "docs", null) };
}

/** The JSON text of one HTTP attempt: only deliveryId and deliveredAt differ between retries. */
export function stampDelivery(template: JsonObject, delivery: { deliveryId: string; deliveredAt: number }): JsonObject {
  const meta = template.meta;
  if (typeof meta !== "object" || meta === null) return template;
  // Spreading keeps key order: the placeholders sit where Smartcar puts these fields.
  return { ...template, meta: { ...meta, deliveryId: delivery.deliveryId, deliveredAt: delivery.deliveredAt } };
}

function metaJson(ctx: Pick<TemplateContext, "seed" | "mode">, shape: PayloadShape, signalCount: number | null): JsonObject {
  const meta: JsonObject = {
    version: "4.0",
    webhookId: webhookId(ctx.seed, shape),
    webhookName: shape === "docs" ? "Fleet Monitor" : "Fleet Monitor (EU)",
    deliveryId: "",
    deliveredAt: 0,
    mode: ctx.mode,
  };
  if (signalCount !== null) meta.signalCount = signalCount;
  return meta;
}

function webhookId(seed: string, shape: PayloadShape): string {
  return deterministicUuid(seed, "webhook", shape);
}

function vehicleJson(vehicle: VehicleProfile, shape: PayloadShape, mode: EventMode): JsonObject {
  const base = { id: vehicle.vehicleId, make: vehicle.spec.make, model: vehicle.spec.model, year: vehicle.year };
  return shape === "docs" ? base : { ...base, mode: mode.toLowerCase(), powertrainType: vehicle.spec.powertrain };
}

function signalJson(signal: ReportedSignal, shape: PayloadShape, offsetMs: number): JsonObject {
  const { code, name, group } = signalName(signal.code);
  if (signal.error) return { code, name, group, status: { value: "ERROR", error: { type: signal.error.type, code: signal.error.code } } };
  const oemUpdatedAt = Math.round(signal.oemUpdatedAt + offsetMs);
  const fetched = Math.round(signal.fetchedAt + offsetMs);
  if (shape === "docs") return { code, name, group, body: signal.body, meta: { oemUpdatedAt, fetchedAt: fetched } };
  return { code, name, group, body: signal.body, meta: { oemUpdatedAt, retrievedAt: fetched }, status: { value: "SUCCESS" } };
}

function errorJson(error: ReportedError): JsonObject {
  const json: JsonObject = { type: error.type, code: error.code };
  if (error.state !== null) json.state = error.state;
  json.description = error.description;
  const page = DOC_PAGES[error.type];
  if (page) json.docURL = `https://smartcar.com/docs/errors/api-errors/${page}${error.code ? `#${error.code.toLowerCase().replaceAll("_", "-")}` : ""}`;
  json.resolution = { type: error.resolution };
  if (error.signals.length > 0) {
    json.signals = error.signals.map((code) => {
      const name = signalName(code);
      return error.signalFormat === "strings" ? `${name.group}.${name.name}` : name;
    });
  }
  return json;
}
