import "server-only";
import { prisma } from "@/lib/db/prisma";
import { assertRole, type Viewer } from "@/lib/dal/authorize";
import { coarsenLocationsDeep, seesPreciseLocation } from "@/lib/vehicles/redact-location";

// The raw payload view of the event page (API.md §4: viewers see precise location only to ~1 km,
// raw payloads included). Server-only: the stored body must never be handed to a client module
// before this function has shaped it for the role.

export type EventPayload =
  | { kind: "json"; value: unknown }
  | { kind: "text"; text: string }
  /** Not JSON, and the role may not see it unredacted: text cannot be coarsened safely. */
  | { kind: "withheld" }
  | { kind: "purged" };

/** The stored raw body, parsed and shaped for `viewer`; null for an unknown eventId. */
export async function getEventPayload(viewer: Viewer, eventId: string): Promise<EventPayload | null> {
  assertRole(viewer, "viewer");
  const event = await prisma().event.findUnique({ where: { eventId }, select: { rawBody: true } });
  if (!event) return null;
  if (event.rawBody === null) return { kind: "purged" };
  const precise = seesPreciseLocation(viewer.role);
  const parsed = parseJson(event.rawBody);
  if (parsed === undefined) return precise ? { kind: "text", text: event.rawBody } : { kind: "withheld" };
  return { kind: "json", value: precise ? parsed : coarsenLocationsDeep(parsed) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
