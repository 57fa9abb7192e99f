// Zod schemas for the parts of a Smartcar payload the processor reads (CONTRACT.md §2, §5).
// Real traffic drifts from the docs, so every object is loose and every leaf falls back to null:
// only an item that is not an object at all fails, and the caller turns that into a warning.
import { z } from "zod";
import { toEpochMs } from "./coerce";

const text = z.string().nullable().catch(null);
const epochMs = z.unknown().optional().transform(toEpochMs);
const looseOrNull = <T extends z.core.$ZodLooseShape>(shape: T) => z.looseObject(shape).nullable().catch(null);

export const signalSchema = z.looseObject({
  code: text,
  name: text,
  group: text,
  body: z.unknown().optional(),
  status: looseOrNull({
    value: text,
    error: looseOrNull({ type: text, code: text }),
  }),
  // Newest docs say fetchedAt, captured traffic says retrievedAt.
  meta: looseOrNull({ oemUpdatedAt: epochMs, fetchedAt: epochMs, retrievedAt: epochMs }),
});
export type SignalInput = z.infer<typeof signalSchema>;

/** A signal named in a VEHICLE_ERROR: an object, or a string like "VehicleIdentification.Nickname". */
export const errorSignalRefSchema = z.union([
  z.string(),
  z.looseObject({ code: text, name: text, group: text }),
]);
export type ErrorSignalRef = z.infer<typeof errorSignalRefSchema>;

export const vehicleErrorSchema = z.looseObject({
  type: text,
  code: text,
  state: text,
  description: text,
  resolution: looseOrNull({ type: text }),
  signals: z.unknown().optional(),
});
export type VehicleErrorInput = z.infer<typeof vehicleErrorSchema>;

/** Docs shape `{code}` in data.triggers, real shape `{type}` at the top level. */
export const triggerSchema = z.looseObject({ type: text, code: text });

export const eventBodySchema = z.looseObject({
  triggers: z.unknown().optional(),
  data: looseOrNull({
    vehicle: looseOrNull({
      make: text,
      model: text,
      year: z.number().int().nullable().catch(null),
    }),
    signals: z.unknown().optional(),
    errors: z.unknown().optional(),
    triggers: z.unknown().optional(),
  }),
});
