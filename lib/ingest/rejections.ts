import { createHash } from "node:crypto";
import type pg from "pg";

export type RejectionReason =
  | "TOKEN_NOT_CONFIGURED"
  | "BODY_TOO_LARGE"
  | "INVALID_CHALLENGE"
  | "SIGNATURE_MISSING"
  | "SIGNATURE_MISMATCH"
  | "INVALID_JSON"
  | "INVALID_SCHEMA";

export interface RejectionToRecord {
  reason: RejectionReason;
  httpStatus: number;
  /** The whole body when it was read; for an oversize body only its first bytes. */
  body: Uint8Array;
  bodyBytes: number;
  /** Keep the whole body for re-checking (signature failures) or the bytes we have (bad input). */
  keepBody: boolean;
  headers: Headers;
  tokenFingerprints: string[];
}

export interface QuarantineLimits {
  maxBytes: number;
  hours: number;
}

const HEAD_BYTES = 2048;
// Credentials of whoever called us are never worth keeping, even for a rejected request.
const NEVER_STORED_HEADERS = new Set(["cookie", "authorization", "proxy-authorization"]);

export function storableHeaders(headers: Headers): Record<string, string> {
  const kept: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (!NEVER_STORED_HEADERS.has(name.toLowerCase())) kept[name] = value.slice(0, 1024);
  });
  return kept;
}

// The quarantine cap is checked in the same statement as the insert; past it only the hash and
// the first 2 KB are kept. Concurrent rejections may overshoot the cap by a few bodies, which is
// acceptable for a soft storage limit.
const INSERT_REJECTION_SQL = `
INSERT INTO rejected_delivery (reason, http_status, body_bytes, body_sha256, body_head, body, body_expires_at, headers, tokens_tried)
SELECT $1, $2, $3, $4, $5,
  CASE WHEN $6::bytea IS NOT NULL
        AND (SELECT coalesce(sum(octet_length(body)), 0) FROM rejected_delivery WHERE body IS NOT NULL) + octet_length($6::bytea) <= $7
       THEN $6::bytea END,
  CASE WHEN $6::bytea IS NOT NULL THEN now() + make_interval(hours => $8) END,
  $9, $10
RETURNING id`;

export async function recordRejection(db: pg.Pool, r: RejectionToRecord, limits: QuarantineLimits): Promise<string> {
  const buffer = Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength);
  const head = buffer.subarray(0, HEAD_BYTES).toString("utf8").replaceAll("\u0000", "\uFFFD");
  const result = await db.query<{ id: string }>({
    name: "insert-rejection",
    text: INSERT_REJECTION_SQL,
    values: [
      r.reason,
      r.httpStatus,
      r.bodyBytes,
      createHash("sha256").update(buffer).digest("hex"),
      head,
      r.keepBody ? buffer : null,
      limits.maxBytes,
      limits.hours,
      JSON.stringify(storableHeaders(r.headers)),
      r.tokenFingerprints,
    ],
  });
  const row = result.rows[0];
  if (!row) throw new Error("recording a rejection returned no row");
  return row.id;
}
