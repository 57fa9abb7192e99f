import { z } from "zod";
import { pool } from "@/lib/db/pool";
import { assertRole, type Viewer } from "@/lib/dal/authorize";
import { rangeQuerySchema, resolveRange } from "@/lib/dal/time-range";
import { redactSignalBody } from "@/lib/vehicles/redact-location";

// One signal's history for charts (API.md §5), from signal_reading (primary key vehicle, code,
// at: every read is one index range). A chart cannot show more points than it has pixels, so a
// range holding more than MAX_POINTS readings is averaged into equal time buckets server-side.

export const MAX_POINTS = 500;
const DEFAULT_HOURS = 24;
const MAX_HOURS = 366 * 24;

export const historyQuerySchema = rangeQuerySchema.extend({
  // Codes are stored lower-case ("tractionbattery-stateofcharge").
  signal: z.string().trim().min(1).max(128).transform((code) => code.toLowerCase()),
});

export type HistoryQuery = z.output<typeof historyQuerySchema>;

export interface HistoryPoint {
  /** The reading's time, or the start of its bucket when downsampled. */
  at: string;
  /** body.value for numeric signals (the bucket's mean when downsampled); null otherwise. */
  value: number | null;
  min: number | null;
  max: number | null;
  /** Readings behind this point. */
  count: number;
  /** The whole body of a non-numeric reading (the bucket's last one), e.g. a location. */
  body: unknown;
}

export interface VehicleHistory {
  vehicleId: string;
  signal: string;
  from: string;
  to: string;
  downsampled: boolean;
  /** Bucket width when downsampled. */
  bucketSeconds: number | null;
  points: HistoryPoint[];
}

interface PointRow {
  at: Date;
  value: number | null;
  min: number | null;
  max: number | null;
  count: number;
  body: unknown;
}

const RANGE = "vehicle_id = $1 AND code = $2 AND at >= $3 AND at < $4";

/** Null for an unknown vehicle. Viewers get a precise location rounded to ~1 km. */
export async function getVehicleHistory(
  viewer: Viewer,
  vehicleId: string,
  query: HistoryQuery,
  { now = new Date() }: { now?: Date } = {},
): Promise<VehicleHistory | null> {
  assertRole(viewer, "viewer");
  const range = resolveRange(query, { defaultHours: DEFAULT_HOURS, maxHours: MAX_HOURS, now });
  const db = pool();
  const known = await db.query({ text: "SELECT 1 FROM vehicle WHERE vehicle_id = $1", values: [vehicleId] });
  if (known.rowCount === 0) return null;

  const values = [vehicleId, query.signal, range.from, range.to];
  const counted = await db.query<{ n: number }>({ text: `SELECT count(*)::int AS n FROM signal_reading WHERE ${RANGE}`, values });
  const downsampled = (counted.rows[0]?.n ?? 0) > MAX_POINTS;
  const bucketSeconds = downsampled ? Math.ceil((range.to.getTime() - range.from.getTime()) / 1000 / MAX_POINTS) : null;
  const { rows } = await db.query<PointRow>(
    bucketSeconds === null
      ? { text: `SELECT at, value, value AS min, value AS max, 1 AS count, body FROM signal_reading WHERE ${RANGE} ORDER BY at`, values }
      : {
          text: `
SELECT to_timestamp(floor(extract(epoch FROM at) / $5) * $5) AS at, avg(value) AS value, min(value) AS min, max(value) AS max,
  count(*)::int AS count, (array_agg(body ORDER BY at DESC) FILTER (WHERE body IS NOT NULL))[1] AS body
FROM signal_reading WHERE ${RANGE}
GROUP BY 1 ORDER BY 1`,
          values: [...values, bucketSeconds],
        },
  );
  return {
    vehicleId,
    signal: query.signal,
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    downsampled,
    bucketSeconds,
    points: rows.map((r) => ({
      at: r.at.toISOString(),
      value: r.value,
      min: r.min,
      max: r.max,
      count: r.count,
      body: r.body === null ? null : redactSignalBody(query.signal, r.body, viewer.role),
    })),
  };
}
