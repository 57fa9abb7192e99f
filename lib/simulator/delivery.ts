// One HTTP attempt of a planned message: its exact bytes and signature, what the receiver is
// expected to answer (API.md §1), how Smartcar reads the answer, and whether it retries.
import { isRecord } from "@/lib/smartcar/coerce";
import { hashChallenge, sha256Hex, signBody } from "@/lib/smartcar/signature";
import type { JsonObject } from "./payload";
import { stampDelivery } from "./payload";
import type { PlannedMessage } from "./plan";
import { rngFor } from "./random";

export type Expectation =
  | { kind: "stored" }
  | { kind: "challenge"; challenge: string }
  | { kind: "refused"; status: 400 | 401 | 413; code: string };

export type Answer =
  | { kind: "stored"; duplicate: boolean }
  | { kind: "challenge"; value: string }
  | { kind: "refused"; status: number; code: string }
  /** A 2xx whose body is neither a stored event nor a challenge. */
  | { kind: "other"; status: number }
  /** No HTTP answer at all. */
  | { kind: "failed"; reason: "TIMEOUT" | "NETWORK" };

export interface Attempt {
  body: string;
  signature: string | null;
}

export interface AttemptContext {
  token: string;
  deliveryId: string;
  deliveredAt: number;
  /** The receiver's body cap (WEBHOOK_MAX_BODY_BYTES): oversize bodies are built to exceed it. */
  maxBodyBytes: number;
}

export function expectationFor(message: PlannedMessage, token: string): Expectation {
  if (message.verify) {
    return message.verify.probe ? refused(400, "INVALID_CHALLENGE") : { kind: "challenge", challenge: hashChallenge(token, message.verify.challenge) };
  }
  const fault = message.fault;
  if (!fault) return { kind: "stored" };
  switch (fault.kind) {
    case "bad-signature":
      return refused(401, fault.variant === "missing" ? "SIGNATURE_MISSING" : "SIGNATURE_MISMATCH");
    case "oversize":
      return refused(413, "BODY_TOO_LARGE");
    case "malformed":
      return refused(400, fault.variant === "truncated" ? "INVALID_JSON" : "INVALID_SCHEMA");
  }
}

export function renderAttempt(message: PlannedMessage, ctx: AttemptContext): Attempt {
  const stamped = stampDelivery(message.template, ctx);
  const compact = JSON.stringify(stamped);
  // Whether Smartcar signs VERIFY is undocumented; sending it unsigned checks it is answered anyway.
  if (message.verify) return { body: compact, signature: null };
  const fault = message.fault;
  if (!fault) return { body: compact, signature: signBody(ctx.token, compact) };
  switch (fault.kind) {
    case "bad-signature":
      if (fault.variant === "missing") return { body: compact, signature: null };
      // Same JSON, other bytes: a signature over a re-serialised body can never match.
      if (fault.variant === "reformatted") return { body: JSON.stringify(stamped, null, 2), signature: signBody(ctx.token, compact) };
      return { body: compact, signature: signBody(wrongToken(ctx.token), compact) };
    case "oversize": {
      const body = JSON.stringify(bloat(stamped, ctx.maxBodyBytes + 4_096));
      return { body, signature: signBody(ctx.token, body) };
    }
    case "malformed": {
      const body = fault.variant === "truncated" ? truncate(compact, message.eventId) : JSON.stringify(fault.variant === "not-an-object" ? [stamped] : withoutEventId(stamped));
      return { body, signature: signBody(ctx.token, body) };
    }
  }
}

/** How Smartcar and we read a receiver's answer. */
export function readAnswer(status: number, text: string): Answer {
  const json = parseOrNull(text);
  if (status >= 200 && status < 300) {
    if (isRecord(json) && (json.status === "accepted" || json.status === "duplicate")) return { kind: "stored", duplicate: json.status === "duplicate" };
    if (isRecord(json) && typeof json.challenge === "string") return { kind: "challenge", value: json.challenge };
    return { kind: "other", status };
  }
  const error = isRecord(json) ? json.error : null;
  const code = isRecord(error) && typeof error.code === "string" ? error.code : `HTTP_${status}`;
  return { kind: "refused", status, code };
}

/**
 * Whether the answer is the right one. A duplicate is always fine (a retry, or a replay of an
 * earlier run); "accepted" is fine only while no earlier attempt of this event was stored —
 * otherwise the receiver stored the same eventId twice.
 */
export function isExpected(expectation: Expectation, answer: Answer, storedBefore: boolean): boolean {
  switch (expectation.kind) {
    case "stored":
      return answer.kind === "stored" && (answer.duplicate || !storedBefore);
    case "challenge":
      return answer.kind === "challenge" && answer.value === expectation.challenge;
    case "refused":
      return answer.kind === "refused" && answer.status === expectation.status && answer.code === expectation.code;
  }
}

/** Smartcar retries anything but a 2xx — and also a 2xx it never saw (a lost ack). VERIFY is not retried. */
export function shouldRetry(message: PlannedMessage, attempt: number, answer: Answer, maxAttempts: number): boolean {
  if (message.verify || attempt >= maxAttempts) return false;
  const succeeded = answer.kind === "stored" || answer.kind === "challenge" || answer.kind === "other";
  return !succeeded || attempt <= message.lostAcks;
}

export function describeExpectation(expectation: Expectation): string {
  switch (expectation.kind) {
    case "stored":
      return "200 accepted|duplicate";
    case "challenge":
      return "200 challenge";
    case "refused":
      return `${expectation.status} ${expectation.code}`;
  }
}

export function describeAnswer(answer: Answer): string {
  switch (answer.kind) {
    case "stored":
      return answer.duplicate ? "200 duplicate" : "200 accepted";
    case "challenge":
      return `200 challenge ${answer.value.slice(0, 12)}…`;
    case "refused":
      return `${answer.status} ${answer.code}`;
    case "other":
      return `${answer.status} (unrecognised body)`;
    case "failed":
      return answer.reason;
  }
}

function refused(status: 400 | 401 | 413, code: string): Expectation {
  return { kind: "refused", status, code };
}

function wrongToken(token: string): string {
  return `other-app-${sha256Hex(token).slice(0, 24)}`;
}

// Diagnostic trouble codes pad the body the way an OEM with hundreds of signals would.
function bloat(event: JsonObject, minBytes: number): JsonObject {
  const data = isRecord(event.data) ? event.data : {};
  const signals = Array.isArray(data.signals) ? data.signals : [];
  const base = JSON.stringify(event).length;
  const sample = diagnostic(0);
  const count = Math.ceil((minBytes - base) / (JSON.stringify(sample).length + 1)) + 1;
  const padded = [...signals, ...Array.from({ length: Math.max(1, count) }, (_, i) => diagnostic(i))];
  const meta = isRecord(event.meta) ? { ...event.meta, signalCount: padded.length } : event.meta;
  return { ...event, data: { ...data, signals: padded }, meta };
}

function diagnostic(i: number): JsonObject {
  const id = String(i).padStart(4, "0");
  return {
    code: `diagnostics-dtc${id}`,
    name: `Dtc${id}`,
    group: "Diagnostics",
    body: { value: "P0A80", status: "STORED", description: "Hybrid/EV battery pack: cell voltage deviation detected in module 3" },
  };
}

function truncate(text: string, eventId: string): string {
  return text.slice(0, Math.floor(text.length * rngFor(eventId, "truncate").float(0.4, 0.9)));
}

function withoutEventId(event: JsonObject): JsonObject {
  const copy = { ...event };
  delete copy.eventId;
  return copy;
}

function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
