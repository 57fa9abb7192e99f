import { recordAudit, type AuditActor } from "@/lib/audit";
import { RULE } from "@/lib/alerts/rules";
import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";

// A deletion request for one vehicle (`npm run vehicles -- purge <vehicleId>`): its state,
// history, conditions and the alerts about it are deleted; its events stay only as tombstones —
// eventId kept, raw body, vehicle and user ids gone — so a replay of an old signed body is still
// a duplicate. Legacy v2 events have no vehicle column: those whose body names the vehicle are
// made tombstones too (with the other vehicles such a body lists: it is never applied anyway).
// Rejected deliveries are not linked to any vehicle; their bodies expire with the quarantine.
// Everything, the audit entry included, commits in one transaction: all or nothing.

export interface VehicleDataCounts {
  vehicle: number;
  signals: number;
  readings: number;
  conditions: number;
  /** Events naming the vehicle (legacy v2 bodies that mention it included): made tombstones by a purge. */
  events: number;
  /** Per-vehicle alerts about it (silent, needs re-authorisation), whatever their state. */
  alerts: number;
}

const VEHICLE_ALERT_RULES: string[] = [RULE.vehicleSilent, RULE.vehicleNeedsReauth];

// A legacy v2 body names its vehicles as JSON strings: the id in quotes, matched literally.
const namesVehicle = (vehicleId: string) => Prisma.sql`(vehicle_id = ${vehicleId}
  OR (event_type = 'LEGACY_V2' AND raw_body IS NOT NULL AND strpos(raw_body, ${`"${vehicleId}"`}) > 0))`;

type Db = Prisma.TransactionClient;

const isEmpty = (c: VehicleDataCounts) => c.vehicle + c.signals + c.readings + c.conditions + c.events + c.alerts === 0;

/** What a purge would remove (a --dry-run); null when nothing at all is stored for this id. */
export async function countVehicleData(vehicleId: string): Promise<VehicleDataCounts | null> {
  const db = prisma();
  const [vehicle, signals, readings, conditions, [events], alerts] = await Promise.all([
    db.vehicle.count({ where: { vehicleId } }),
    db.vehicleSignal.count({ where: { vehicleId } }),
    db.signalReading.count({ where: { vehicleId } }),
    db.vehicleCondition.count({ where: { vehicleId } }),
    db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM event WHERE ${namesVehicle(vehicleId)}`,
    db.alert.count({ where: { rule: { in: VEHICLE_ALERT_RULES }, subject: vehicleId } }),
  ]);
  const counts = { vehicle, signals, readings, conditions, events: events?.n ?? 0, alerts };
  return isEmpty(counts) ? null : counts;
}

// The events go first: their row locks wait for a processing run of the vehicle in flight, whose
// writes are then committed and deleted below. An event still waiting to be processed is
// dead-lettered here, not left PENDING without its payload: processing may have read the body
// before this commits, and it applies only events still PENDING or PROCESSING — so it writes
// nothing back for a vehicle just deleted.
async function purgeInTransaction(tx: Db, vehicleId: string): Promise<VehicleDataCounts> {
  const events = await tx.$executeRaw`
    UPDATE event SET raw_body = NULL, payload_purged_at = coalesce(payload_purged_at, now()), vehicle_id = NULL, user_id = NULL,
      status = CASE WHEN status IN ('PENDING', 'PROCESSING') THEN 'DEAD_LETTERED'::"EventStatus" ELSE status END,
      error_reason = CASE WHEN status IN ('PENDING', 'PROCESSING') THEN 'PAYLOAD_PURGED' ELSE error_reason END,
      error_message = CASE WHEN status IN ('PENDING', 'PROCESSING') THEN 'The vehicle''s data was deleted on request before this event was applied.' ELSE error_message END,
      error_at = CASE WHEN status IN ('PENDING', 'PROCESSING') THEN now() ELSE error_at END
    WHERE ${namesVehicle(vehicleId)}`;
  const readings = await tx.$executeRaw`DELETE FROM signal_reading WHERE vehicle_id = ${vehicleId}`;
  const conditions = await tx.$executeRaw`DELETE FROM vehicle_condition WHERE vehicle_id = ${vehicleId}`;
  const signals = await tx.$executeRaw`DELETE FROM vehicle_signal WHERE vehicle_id = ${vehicleId}`;
  const vehicle = await tx.$executeRaw`DELETE FROM vehicle WHERE vehicle_id = ${vehicleId}`;
  const alerts = await tx.$executeRaw`DELETE FROM alert WHERE rule = ANY(${VEHICLE_ALERT_RULES}::text[]) AND subject = ${vehicleId}`;
  return { vehicle, signals, readings, conditions, events, alerts };
}

/** Purges the vehicle and audits it; null (and nothing written) when nothing is stored for it. */
export async function purgeVehicle(vehicleId: string, actor: AuditActor): Promise<VehicleDataCounts | null> {
  return prisma().$transaction(
    async (tx) => {
      const counts = await purgeInTransaction(tx, vehicleId);
      if (isEmpty(counts)) return null;
      await recordAudit({ actor, action: "vehicle.purged", targetType: "vehicle", targetId: vehicleId, details: { ...counts } }, tx);
      return counts;
    },
    // A vehicle with years of history is a lot of rows for one statement; far beyond Prisma's 5 s default.
    { timeout: 300_000, maxWait: 10_000 },
  );
}

export interface VehicleListRow {
  vehicleId: string;
  make: string | null;
  model: string | null;
  year: number | null;
  lastSeenAt: Date | null;
}

/** Every stored vehicle, by id: what the CLI lists so an operator can find the one to purge. */
export async function listStoredVehicles(): Promise<VehicleListRow[]> {
  return prisma().vehicle.findMany({
    select: { vehicleId: true, make: true, model: true, year: true, lastSeenAt: true },
    orderBy: { vehicleId: "asc" },
  });
}
