import "server-only";
import type { PayloadView } from "@/components/events/payload-panel";
import type { Role } from "@/lib/auth/roles";
import { prisma } from "@/lib/db/prisma";
import { coarsenLocation, seesPreciseLocation } from "@/lib/vehicles/redact-location";

// STOPGAP until lib/dal/events.ts has a raw-payload read (asked of the data layer's owner): the
// event page must show the payload, and lib/dal has no function returning it.


/** The stored raw body, parsed; for viewers every latitude/longitude anywhere in it is rounded to ~1 km. */
export async function getEventPayload(eventId: string, { viewerRole }: { viewerRole: Role }): Promise<PayloadView | null> {
  const event = await prisma().event.findUnique({ where: { eventId }, select: { rawBody: true } });
  if (!event) return null;
  if (event.rawBody === null) return { kind: "purged" };
  const parsed = parseJson(event.rawBody);
  if (parsed === undefined) return { kind: "text", text: event.rawBody };
  return { kind: "json", value: seesPreciseLocation(viewerRole) ? parsed : coarsenEverywhere(parsed) };
}

// Fails closed: not only the location signal's body (whose path differs between payload shapes)
// but any object carrying coordinates is coarsened.
function coarsenEverywhere(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(coarsenEverywhere);
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value).map(([key, child]) => [key, coarsenEverywhere(child)] as const);
  const copy = Object.fromEntries(entries);
  return "latitude" in copy || "longitude" in copy ? coarsenLocation(copy) : copy;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
