import type { SignalStatus } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import type { Role } from "@/lib/auth/roles";
import { vehicleHealth, type VehicleHealth } from "@/lib/vehicles/health";
import { redactSignalBody } from "@/lib/vehicles/redact-location";
import { isoOrNull } from "@/lib/dal/timestamps";

// Read side of one vehicle (API.md §4): its latest signal values and its conditions, shaped for
// `viewerRole` (viewers get the precise location coarsened to ~1 km).

export interface VehicleSignalDto {
  code: string;
  name: string | null;
  group: string | null;
  status: SignalStatus;
  /** The latest good body as received: a failure keeps the last good one. */
  body: unknown;
  unit: string | null;
  oemUpdatedAt: string | null;
  retrievedAt: string | null;
  /** When the status or value last changed. */
  since: string;
  error: { type: string; code: string | null } | null;
}

export interface VehicleConditionDto {
  type: string;
  code: string | null;
  /** "ERROR" | "RESOLVED" */
  state: string;
  description: string | null;
  resolutionType: string | null;
  /** Lower-case signal codes. */
  signals: string[];
  openedAt: string | null;
  resolvedAt: string | null;
}

export interface VehicleResource {
  vehicleId: string;
  make: string | null;
  model: string | null;
  year: number | null;
  lastSeenAt: string | null;
  health: VehicleHealth;
  needsReauth: boolean;
  /** Ordered by code. */
  signals: VehicleSignalDto[];
  /** Open (ERROR) first, then the most recently reported. */
  conditions: VehicleConditionDto[];
}

export async function getVehicleResource(
  vehicleId: string,
  { viewerRole, now = new Date() }: { viewerRole: Role; now?: Date },
): Promise<VehicleResource | null> {
  const vehicle = await prisma().vehicle.findUnique({
    where: { vehicleId },
    include: {
      signals: { orderBy: { code: "asc" } },
      // "ERROR" sorts before "RESOLVED": open conditions first.
      conditions: { orderBy: [{ state: "asc" }, { stateAt: "desc" }, { type: "asc" }, { code: "asc" }] },
    },
  });
  if (!vehicle) return null;
  return {
    vehicleId: vehicle.vehicleId,
    make: vehicle.make,
    model: vehicle.model,
    year: vehicle.year,
    lastSeenAt: isoOrNull(vehicle.lastSeenAt),
    health: vehicleHealth({
      needsReauth: vehicle.needsReauth,
      hasOpenErrors: vehicle.conditions.some((c) => c.state === "ERROR"),
      lastSeenAt: vehicle.lastSeenAt,
      recentGaps: vehicle.recentGaps,
      now,
    }),
    needsReauth: vehicle.needsReauth,
    signals: vehicle.signals.map((s) => ({
      code: s.code,
      name: s.name,
      group: s.group,
      status: s.status,
      body: redactSignalBody(s.code, s.body, viewerRole),
      unit: s.unit,
      oemUpdatedAt: isoOrNull(s.oemUpdatedAt),
      retrievedAt: isoOrNull(s.retrievedAt),
      since: s.since.toISOString(),
      error: s.errorType === null ? null : { type: s.errorType, code: s.errorCode },
    })),
    conditions: vehicle.conditions.map((c) => ({
      type: c.type,
      // The key column stores a missing code as "" (it is part of the primary key).
      code: c.code === "" ? null : c.code,
      state: c.state,
      description: c.description,
      resolutionType: c.resolutionType,
      signals: c.signals,
      openedAt: isoOrNull(c.openedAt),
      resolvedAt: isoOrNull(c.resolvedAt),
    })),
  };
}
