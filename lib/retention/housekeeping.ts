import type { ClientBase } from "pg";
import { batchOf, cutoffStatement, type Batch } from "@/lib/retention/batches";

// Retention of operational rows: finished embedded-executor runs, rejected deliveries and
// resolved alerts.
// Each call is one bounded statement (in the caller's transaction); `more` says a full batch was
// taken and more may be left.
// `= ANY(ARRAY(...))` makes the rows picked primary-key probes rather than a join over the table.

// Nothing the executor still needs: QUEUED and RUNNING runs stay, and a finished run is read by
// nobody — its onFailure run carries its own copy of the event, and every write to a run is
// guarded by status = 'RUNNING'. The row's unique event_key is what drops a repeated Inngest
// event id, which Inngest itself does for 24 hours: hence the default of a day.
const DELETE_EXECUTOR_RUNS_SQL = `
DELETE FROM executor_run WHERE run_id = ANY(ARRAY(
  SELECT run_id FROM executor_run
  WHERE finished_at < $1 AND status IN ('DONE', 'FAILED')
  ORDER BY finished_at
  LIMIT $2
))`;

export const { sql: deleteFinishedRunsSql, batch: deleteFinishedRunsBatch } = cutoffStatement("retention-delete-runs", DELETE_EXECUTOR_RUNS_SQL);

// Reads already treat an expired body as gone (lib/dal/rejections.ts, release-rejection.ts);
// dropping it frees the space QUARANTINE_MAX_BYTES counts. The hash and first 2 KB stay.
const EXPIRE_BODIES_SQL = `
UPDATE rejected_delivery SET body = NULL WHERE id = ANY(ARRAY(
  SELECT id FROM rejected_delivery
  WHERE body IS NOT NULL AND body_expires_at <= now()
  LIMIT $1
))`;

export async function expireQuarantinedBodiesBatch(db: ClientBase, limit: number): Promise<Batch> {
  const result = await db.query({ name: "retention-expire-bodies", text: EXPIRE_BODIES_SQL, values: [limit] });
  return batchOf(result.rowCount, limit);
}

const DELETE_REJECTIONS_SQL = `
DELETE FROM rejected_delivery WHERE id = ANY(ARRAY(
  SELECT id FROM rejected_delivery WHERE received_at < $1 ORDER BY received_at LIMIT $2
))`;

export const { sql: deleteRejectionsSql, batch: deleteRejectionsBatch } = cutoffStatement("retention-delete-rejections", DELETE_REJECTIONS_SQL);

// Resolved alerts pile up (a vehicle going silent every night opens and resolves one a day);
// the page and the evaluation only need the live ones and recent history. An alert resolves
// after it opened, so an opened_at index bounds the scan to alerts opened before the cutoff,
// oldest first.
const DELETE_RESOLVED_ALERTS_SQL = `
DELETE FROM alert WHERE id = ANY(ARRAY(
  SELECT id FROM alert
  WHERE state = 'RESOLVED' AND opened_at < $1 AND resolved_at < $1
  ORDER BY opened_at
  LIMIT $2
))`;

export const { sql: deleteResolvedAlertsSql, batch: deleteResolvedAlertsBatch } = cutoffStatement("retention-delete-alerts", DELETE_RESOLVED_ALERTS_SQL);
