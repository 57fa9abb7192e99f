import { z } from "zod";
import { pool } from "@/lib/db/pool";
import { assertRole, type Viewer } from "@/lib/dal/authorize";
import { hourStarts, rangeQuerySchema, resolveRange, toWholeHours } from "@/lib/dal/time-range";
import { METRIC, type MetricName } from "@/lib/stats/metric-names";
import { readStats, type StatRow } from "@/lib/stats/read-stats";

// What went wrong, and where (API.md §5 GET /errors), in three sections that are never mixed
// (DESIGN.md): signals a car failed to report, conditions Smartcar raised about a vehicle, and
// deliveries or events our pipeline refused or gave up on — as totals by group and as trends
// per hour. Counts come from the hourly rollups; only "open now" reads live state
// (vehicle_condition: a few rows per car).

export const GROUP_BY = ["type", "code", "signal", "make"] as const;

export type GroupBy = (typeof GROUP_BY)[number];

export const errorsQuerySchema = rangeQuerySchema.extend({ groupBy: z.enum(GROUP_BY).default("type") });

export type ErrorsQuery = z.output<typeof errorsQuerySchema>;

export interface BreakdownGroup {
  /** The group's value: a type, "TYPE:CODE" (code may be empty), a signal code, a make ("" when unknown). */
  key: string;
  count: number;
}

export interface BreakdownSection {
  /** What `key` holds: the requested groupBy, or the nearest one this section has. */
  groupedBy: GroupBy;
  total: number;
  /** Largest first. */
  groups: BreakdownGroup[];
}

export interface ErrorBreakdown {
  from: string;
  to: string;
  groupBy: GroupBy;
  /** Failed signals inside VEHICLE_STATE events (type:code from Smartcar's error). */
  signalErrors: BreakdownSection;
  /** VEHICLE_ERROR conditions opened in the range, and those open right now. */
  vehicleConditions: BreakdownSection & { openNow: BreakdownSection };
  /** Requests refused by the receiver ("rejected:<reason>") and events dead-lettered ("dead_lettered:<reason>"). */
  deliveryFailures: BreakdownSection;
  /** One entry per hour of the range, oldest first, hours without errors included: the trends. */
  hours: ErrorHour[];
}

/** One hour's counts of each section, by type (or reason) whatever the groupBy: a handful of series per chart. */
export interface ErrorHour {
  hour: string;
  /** Failed signals by error type. */
  signalErrors: Record<string, number>;
  /** Vehicle conditions opened, by type. */
  vehicleConditions: Record<string, number>;
  /** Requests the receiver refused, by reason. */
  rejected: Record<string, number>;
  /** Events dead-lettered, by reason. */
  deadLettered: Record<string, number>;
}

const DEFAULT_HOURS = 24;
const MAX_HOURS = 90 * 24;

// Per section: the rollup metric each groupBy reads, and how its dimension maps to the key.
const SIGNAL_METRIC: Record<GroupBy, MetricName> = {
  type: METRIC.signalErrorByType,
  code: METRIC.signalErrorByType,
  signal: METRIC.signalErrorBySignal,
  make: METRIC.signalErrorByMake,
};
const CONDITION_METRIC: Record<GroupBy, MetricName> = {
  type: METRIC.conditionOpened,
  code: METRIC.conditionOpened,
  signal: METRIC.conditionOpenedBySignal,
  make: METRIC.conditionOpenedByMake,
};

const typeOf = (typeAndCode: string) => typeAndCode.split(":")[0] ?? typeAndCode;

export async function getErrorBreakdown(viewer: Viewer, query: ErrorsQuery, { now = new Date() }: { now?: Date } = {}): Promise<ErrorBreakdown> {
  assertRole(viewer, "viewer");
  const range = toWholeHours(resolveRange(query, { defaultHours: DEFAULT_HOURS, maxHours: MAX_HOURS, now }));
  const { groupBy } = query;
  const metrics = [
    METRIC.signalErrorByType,
    SIGNAL_METRIC[groupBy],
    METRIC.conditionOpened,
    CONDITION_METRIC[groupBy],
    METRIC.rejected,
    METRIC.deadLettered,
  ];
  const [rows, openNow] = await Promise.all([readStats([...new Set(metrics)], range), openConditions(groupBy)]);
  const keyFor = groupBy === "type" ? typeOf : (dimension: string) => dimension;
  // Failures have a kind and a reason only: type → kind, anything finer → kind:reason.
  const failureKey = (row: StatRow) => (groupBy === "type" ? row.metric : `${row.metric}:${row.dimension}`);
  const failures = rows.filter((r) => r.metric === METRIC.rejected || r.metric === METRIC.deadLettered);
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    groupBy,
    signalErrors: {
      groupedBy: groupBy,
      total: total(rows, METRIC.signalErrorByType),
      groups: group(rows.filter((r) => r.metric === SIGNAL_METRIC[groupBy]), (r) => keyFor(r.dimension)),
    },
    vehicleConditions: {
      groupedBy: groupBy,
      total: total(rows, METRIC.conditionOpened),
      groups: group(rows.filter((r) => r.metric === CONDITION_METRIC[groupBy]), (r) => keyFor(r.dimension)),
      openNow,
    },
    deliveryFailures: {
      groupedBy: groupBy === "type" ? "type" : "code",
      total: failures.reduce((sum, r) => sum + r.value, 0),
      groups: group(failures, failureKey),
    },
    hours: perHour(rows, hourStarts(range)),
  };
}

function perHour(rows: readonly StatRow[], hours: readonly Date[]): ErrorHour[] {
  const empty = (hour: Date): ErrorHour => ({ hour: hour.toISOString(), signalErrors: {}, vehicleConditions: {}, rejected: {}, deadLettered: {} });
  const byHour = new Map(hours.map((h) => [h.getTime(), empty(h)]));
  const add = (counts: Record<string, number>, key: string, value: number) => (counts[key] = (counts[key] ?? 0) + value);
  for (const row of rows) {
    const entry = byHour.get(row.hour.getTime());
    if (!entry) continue;
    if (row.metric === METRIC.signalErrorByType) add(entry.signalErrors, typeOf(row.dimension), row.value);
    else if (row.metric === METRIC.conditionOpened) add(entry.vehicleConditions, typeOf(row.dimension), row.value);
    else if (row.metric === METRIC.rejected) add(entry.rejected, row.dimension, row.value);
    else if (row.metric === METRIC.deadLettered) add(entry.deadLettered, row.dimension, row.value);
  }
  return [...byHour.values()];
}

function total(rows: readonly StatRow[], metric: MetricName): number {
  return rows.reduce((sum, r) => (r.metric === metric ? sum + r.value : sum), 0);
}

function group(rows: readonly StatRow[], key: (row: StatRow) => string): BreakdownGroup[] {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(key(row), (counts.get(key(row)) ?? 0) + row.value);
  return sortGroups([...counts].map(([k, count]) => ({ key: k, count })));
}

function sortGroups(groups: BreakdownGroup[]): BreakdownGroup[] {
  return groups.sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

const OPEN_KEY_SQL: Record<GroupBy, string> = {
  type: "c.type",
  code: "c.type || ':' || c.code",
  signal: "unnest(CASE WHEN cardinality(c.signals) > 0 THEN c.signals ELSE ARRAY[''] END)",
  // One primary-key probe per open condition: a join let the planner read the whole vehicle table.
  make: "coalesce((SELECT v.make FROM vehicle v WHERE v.vehicle_id = c.vehicle_id), '')",
};

/** Open (ERROR) vehicle conditions counted by `groupBy`. */
export function openConditionsSql(groupBy: GroupBy): string {
  return `
SELECT key, count(*)::int AS count FROM (
  SELECT ${OPEN_KEY_SQL[groupBy]} AS key
  FROM vehicle_condition c
  WHERE c.state = 'ERROR'
) k GROUP BY key`;
}

async function openConditions(groupBy: GroupBy): Promise<BreakdownSection> {
  const { rows } = await pool().query<{ key: string; count: number }>(openConditionsSql(groupBy));
  const { rows: totals } = await pool().query<{ n: number }>("SELECT count(*)::int AS n FROM vehicle_condition WHERE state = 'ERROR'");
  return { groupedBy: groupBy, total: totals[0]?.n ?? 0, groups: sortGroups(rows) };
}
