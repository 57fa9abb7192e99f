import type pg from "pg";
import { MAX_RECENT_GAPS, SIGNAL_UPSERT, signalInsert, signalRows, signalsJson, vehicleUpdates } from "@/lib/processing/persist-state";
import type { Plan } from "@/lib/processing/plan";
import { countAppliedState } from "@/lib/stats/processing-stats";

// A VEHICLE_STATE event — nearly all the traffic — applied in ONE autocommitted statement: the
// event row is locked and re-checked (PENDING/PROCESSING) by its first CTE, and every write
// depends on that row, so a concurrent or repeated run that finds the event final writes
// nothing. One round trip instead of a BEGIN … COMMIT of seven: the round trips were most of
// processing's CPU (see bench/README.md). The writes share persist-state.ts's SQL, with its
// "only if strictly newer" conditions. Its rollup counters are not written here: every event
// would update the same hourly rows, and concurrent runs queued on those rows' locks through
// each other's commit (lib/stats/processing-stats.ts adds them up in memory instead).

const APPLY_STATE_SQL = `
WITH ev AS (
  SELECT event_id, received_at FROM event
  WHERE event_id = $1 AND status IN ('PENDING', 'PROCESSING') AND raw_body IS NOT NULL
  FOR UPDATE
),
input AS (
  SELECT s.* FROM ${signalRows("$2")}
  WHERE EXISTS (SELECT 1 FROM ev)
),
veh AS (
  INSERT INTO vehicle AS v (vehicle_id, user_id, make, model, year, last_seen_at, recent_gaps, reauth_at)
  SELECT $3, $4, $5, $6, $7, ev.received_at, '{}', CASE WHEN $8 THEN to_timestamp($9 / 1000.0) END FROM ev
  ON CONFLICT (vehicle_id) DO UPDATE SET
  ${vehicleUpdates("$10")},
    -- A FIRST_DELIVERY newer than the last re-auth change means the owner reconnected.
    needs_reauth = CASE WHEN $8 AND (v.reauth_at IS NULL OR v.reauth_at < excluded.reauth_at) THEN false ELSE v.needs_reauth END,
    reauth_at = CASE WHEN $8 AND (v.reauth_at IS NULL OR v.reauth_at < excluded.reauth_at) THEN excluded.reauth_at ELSE v.reauth_at END
  RETURNING make
),
sig AS (
  ${signalInsert("$3", "$1")}
  FROM input s
  ${SIGNAL_UPSERT}
  RETURNING code, event_id
),
hist AS (
  -- History for charts: late readings land here too; a repeated reading adds nothing.
  INSERT INTO signal_reading (vehicle_id, code, at, value, body, event_id)
  SELECT $3, i.code, to_timestamp(i.key_at / 1000.0), i.num, CASE WHEN i.num IS NULL THEN coalesce(i.body, 'null'::jsonb) END, $1
  FROM input i WHERE i.status = 'OK'
  ON CONFLICT (vehicle_id, code, at) DO NOTHING
),
counted AS (
  -- A reading is applied when the stored reading is now this event's (a stale one may still
  -- have changed the status: a newer observation of an unchanged value clears a failure).
  SELECT count(*) FILTER (WHERE i.status = 'OK')::int AS readings,
         count(*) FILTER (WHERE i.status = 'OK' AND sig.event_id = $1)::int AS applied,
         coalesce(array_agg(i.code ORDER BY i.code) FILTER (WHERE i.status = 'OK' AND sig.event_id IS DISTINCT FROM $1), '{}') AS stale
  FROM input i LEFT JOIN sig ON sig.code = i.code
),
upd AS (
  UPDATE event e SET status = 'PROCESSED',
    outcome = CASE WHEN c.applied = 0 AND c.readings > 0 THEN 'ALL_STALE' ELSE 'APPLIED' END,
    processed_at = now(), attempts = e.attempts + 1,
    signals_applied = c.applied, signals_stale = c.readings - c.applied, signals_failed = $11, stale_signals = c.stale,
    error_reason = NULL, error_message = NULL, error_at = NULL
  FROM ev, counted c
  WHERE e.event_id = ev.event_id
  RETURNING e.outcome
),
att AS (
  INSERT INTO processing_attempt (event_id, attempt, run_id, finished_at, result, outcome)
  SELECT $1, $12, $13, now(), 'ok', outcome FROM upd
)
SELECT upd.outcome, c.applied, c.readings, c.stale, (SELECT make FROM veh) AS make FROM upd, counted c`;

export type StatePlan = Extract<Plan, { action: "apply_state" }>;

export type StateApplied =
  | { claimed: false }
  | { claimed: true; outcome: "APPLIED" | "ALL_STALE"; applied: number; stale: number; failed: number; staleCodes: string[] };

export interface StateApplication {
  eventId: string;
  receivedAt: Date;
  plan: StatePlan;
  run: { runId: string | null; attempt: number };
  /** Epoch ms; defaults to now. */
  now?: number;
}

/**
 * Applies a VEHICLE_STATE plan and marks the event PROCESSED — unless, since it was read, the
 * event became final or its payload was purged (a deletion request): then nothing is written.
 */
export async function applyStatePlan(db: pg.Pool | pg.PoolClient, a: StateApplication): Promise<StateApplied> {
  const { plan } = a;
  const result = await db.query<{ outcome: "APPLIED" | "ALL_STALE"; applied: number; readings: number; stale: string[]; make: string | null }>({
    name: "apply-state",
    text: APPLY_STATE_SQL,
    values: [
      a.eventId,
      signalsJson(plan.signals),
      plan.vehicleId,
      plan.userId,
      plan.vehicle.make,
      plan.vehicle.model,
      plan.vehicle.year,
      plan.firstDelivery,
      plan.eventAt.getTime(),
      MAX_RECENT_GAPS,
      plan.failedCount,
      a.run.attempt + 1,
      a.run.runId,
    ],
  });
  const row = result.rows[0];
  if (!row) return { claimed: false };
  countAppliedState({ outcome: row.outcome, receivedAt: a.receivedAt, plan, make: row.make, now: a.now });
  return { claimed: true, outcome: row.outcome, applied: row.applied, stale: row.readings - row.applied, failed: plan.failedCount, staleCodes: row.stale };
}

