// Counting what the receiver answered, and the summary printed at the end (text or --json).
// The `stored` block is what the receiver's database must now hold, so tests can compare.
import { describeAnswer, describeExpectation, type Answer, type Expectation } from "./delivery";
import type { PlannedMessage } from "./plan";

export interface UnexpectedAnswer {
  n: number;
  eventId: string;
  eventType: string;
  attempt: number;
  expected: string;
  got: string;
}

export interface Tally {
  messages: number;
  sent: number;
  retries: number;
  accepted: number;
  duplicates: number;
  challenges: number;
  /** Non-2xx answers by the receiver's error code (HTTP_<status> when it gave none). */
  rejected: Record<string, number>;
  /** Attempts that got no HTTP answer. */
  failed: Record<string, number>;
  other: number;
  unexpected: number;
  unexpectedSamples: UnexpectedAnswer[];
  /** Messages Smartcar would give up on: every attempt failed. */
  lost: number;
  /** First attempts by type; TEST-mode events are counted under "TEST" as well. */
  kinds: Record<string, number>;
  storedEventIds: Set<string>;
  latenciesMs: number[];
}

export interface Summary {
  url: string;
  scenario: string;
  seed: string;
  runId: string;
  vehicles: number;
  messages: number;
  sent: number;
  retries: number;
  accepted: number;
  duplicates: number;
  challenges: number;
  rejected: Record<string, number>;
  failed: Record<string, number>;
  other: number;
  unexpected: number;
  unexpectedSamples: UnexpectedAnswer[];
  lost: number;
  kinds: Record<string, number>;
  /** What the receiver now holds from this run: event rows and delivery rows (duplicates included). */
  stored: { events: number; deliveries: number };
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  durationMs: number;
  deliveriesPerSecond: number;
}

const MAX_SAMPLES = 20;

export function newTally(): Tally {
  return {
    messages: 0,
    sent: 0,
    retries: 0,
    accepted: 0,
    duplicates: 0,
    challenges: 0,
    rejected: {},
    failed: {},
    other: 0,
    unexpected: 0,
    unexpectedSamples: [],
    lost: 0,
    kinds: {},
    storedEventIds: new Set(),
    latenciesMs: [],
  };
}

export function countMessage(tally: Tally, message: PlannedMessage): void {
  tally.messages += 1;
  increment(tally.kinds, message.eventType);
  if (message.mode === "TEST") increment(tally.kinds, "TEST");
}

export function countAnswer(
  tally: Tally,
  entry: { message: PlannedMessage; attempt: number; answer: Answer; expectation: Expectation; expected: boolean; latencyMs: number },
): void {
  const { message, attempt, answer } = entry;
  tally.sent += 1;
  if (attempt > 1) tally.retries += 1;
  tally.latenciesMs.push(entry.latencyMs);
  switch (answer.kind) {
    case "stored":
      if (answer.duplicate) tally.duplicates += 1;
      else tally.accepted += 1;
      tally.storedEventIds.add(message.eventId);
      break;
    case "challenge":
      tally.challenges += 1;
      break;
    case "refused":
      increment(tally.rejected, answer.code);
      break;
    case "other":
      tally.other += 1;
      break;
    case "failed":
      increment(tally.failed, answer.reason);
      break;
  }
  if (entry.expected) return;
  tally.unexpected += 1;
  if (tally.unexpectedSamples.length < MAX_SAMPLES) {
    tally.unexpectedSamples.push({
      n: message.n,
      eventId: message.eventId,
      eventType: message.eventType,
      attempt,
      expected: describeExpectation(entry.expectation),
      got: describeAnswer(answer),
    });
  }
}

export function summarise(tally: Tally, run: { url: string; scenario: string; seed: string; runId: string; vehicles: number; durationMs: number }): Summary {
  const sorted = [...tally.latenciesMs].sort((a, b) => a - b);
  const { storedEventIds, latenciesMs, ...counts } = tally;
  const { durationMs, ...identity } = run;
  return {
    ...identity,
    ...counts,
    stored: { events: storedEventIds.size, deliveries: tally.accepted + tally.duplicates },
    latencyMs: { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99), max: round(sorted.at(-1) ?? 0) },
    durationMs,
    deliveriesPerSecond: durationMs > 0 ? round((latenciesMs.length * 1000) / durationMs) : 0,
  };
}

export function formatSummary(s: Summary): string {
  const list = (counts: Record<string, number>) =>
    Object.entries(counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => `${key} ${value}`)
      .join(", ") || "none";
  const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, value) => sum + value, 0);
  const lines = [
    `Simulated ${s.messages} messages from ${s.vehicles} vehicles → ${s.url}`,
    `  scenario ${s.scenario}, seed ${s.seed}, run id ${s.runId} (same seed + run id = same events)`,
    `  message kinds      ${list(s.kinds)}`,
    `  deliveries sent    ${s.sent} (${s.retries} retries) in ${(s.durationMs / 1000).toFixed(1)} s = ${s.deliveriesPerSecond}/s`,
    `  accepted           ${s.accepted}`,
    `  duplicates         ${s.duplicates}`,
    `  VERIFY answered    ${s.challenges}`,
    `  rejected           ${total(s.rejected)}: ${list(s.rejected)}`,
    `  no answer          ${total(s.failed)}: ${list(s.failed)}`,
    `  lost after retries ${s.lost}`,
    `  latency ms         p50 ${s.latencyMs.p50}  p95 ${s.latencyMs.p95}  p99 ${s.latencyMs.p99}  max ${s.latencyMs.max}`,
    `  unexpected answers ${s.unexpected}${s.other > 0 ? ` (${s.other} unrecognised 2xx bodies)` : ""}`,
    ...s.unexpectedSamples.map((u) => `    #${u.n} ${u.eventType} ${u.eventId} attempt ${u.attempt}: expected ${u.expected}, got ${u.got}`),
  ];
  return lines.join("\n");
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
