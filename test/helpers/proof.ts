import { isDeepStrictEqual } from "node:util";
import type pg from "pg";
import type { PlannedMessage } from "@/lib/simulator/plan";
import { generateMessages, runSimulation, type SimulationOptions } from "@/lib/simulator/run";
import type { ScenarioName } from "@/lib/simulator/scenarios";
import type { Summary } from "@/lib/simulator/tally";
import { TEST_TOKEN } from "./app";
import { waitFor } from "./wait-for";

// The proof suite's two checks, computed from what the simulator sent rather than from the
// product's own code: every acknowledged event reached a final status, and every vehicle's
// latest values are the newest readings by DESIGN.md's ordering key.

export interface SimulationRun {
  /** Acknowledged (first 200) messages so far, by eventId; grows while the run is going. */
  acknowledged: Map<string, PlannedMessage>;
  done: Promise<Summary>;
}

export interface ProofTraffic {
  /** The app's base URL; deliveries go to its /api/webhooks/smartcar. */
  url: string;
  vehicles: number;
  count: number;
  scenarios: ScenarioName[];
  seed: string;
  runId: string;
  /** Smartcar's 25/50/100 s retries, time-scaled. */
  retryDelaysMs: number[];
  ratePerSecond?: number;
  concurrency?: number;
}

/** Starts the simulator in this process against `url`; the receiver is the real app. */
export function startSimulation(traffic: ProofTraffic): SimulationRun {
  const acknowledged = new Map<string, PlannedMessage>();
  const options: SimulationOptions = {
    url: `${traffic.url}/api/webhooks/smartcar`,
    token: TEST_TOKEN,
    vehicles: traffic.vehicles,
    bound: { count: traffic.count },
    ratePerSecond: traffic.ratePerSecond ?? null,
    concurrency: traffic.concurrency ?? 8,
    scenarios: traffic.scenarios,
    seed: traffic.seed,
    runId: traffic.runId,
    retryDelaysMs: traffic.retryDelaysMs,
    maxBodyBytes: 65_536,
    onAcknowledged: (message) => acknowledged.set(message.eventId, message),
  };
  return { acknowledged, done: runSimulation(options) };
}

/**
 * Events of the traffic that a healthy receiver stores (no spoiled body, not a VERIFY): the same
 * seed and run id plan the same events, so this is what Smartcar would retry until acknowledged.
 */
export function storableEventIds(traffic: ProofTraffic): string[] {
  return generateMessages({ seed: traffic.seed, runId: traffic.runId, vehicles: traffic.vehicles, count: traffic.count, scenarios: traffic.scenarios })
    .filter((m) => m.fault === null && m.verify === null)
    .map((m) => m.eventId);
}

export interface FinalEvent {
  eventId: string;
  vehicleId: string | null;
  status: string;
  outcome: string | null;
  errorReason: string | null;
  errorMessage: string | null;
  attempts: number;
}

export interface Settled {
  events: FinalEvent[];
  processed: number;
  deadLettered: number;
}

/**
 * Waits until every acknowledged event is PROCESSED or DEAD_LETTERED (the latter with a reason);
 * on timeout the error names how many are still missing or unfinished, and a few of them.
 */
export async function waitUntilSettled(db: pg.Pool, eventIds: readonly string[], { timeoutMs }: { timeoutMs: number }): Promise<Settled> {
  let unsettled: string[] = [];
  const events = await waitFor(
    async () => {
      const rows = await finalEvents(db, eventIds);
      const final = new Set(rows.filter((r) => r.status === "PROCESSED" || r.status === "DEAD_LETTERED").map((r) => r.eventId));
      unsettled = eventIds.filter((id) => !final.has(id));
      if (unsettled.length > 0) throw new Error(`${unsettled.length} of ${eventIds.length} not final, e.g. ${unsettled.slice(0, 3).join(", ")}`);
      return rows;
    },
    { timeoutMs, intervalMs: 250, what: "every acknowledged event to be PROCESSED or DEAD_LETTERED" },
  );
  const withoutReason = events.filter((e) => e.status === "DEAD_LETTERED" && !e.errorReason);
  if (withoutReason.length > 0) throw new Error(`dead-lettered without a reason: ${withoutReason.map((e) => e.eventId).join(", ")}`);
  return {
    events,
    processed: events.filter((e) => e.status === "PROCESSED").length,
    deadLettered: events.filter((e) => e.status === "DEAD_LETTERED").length,
  };
}

async function finalEvents(db: pg.Pool, eventIds: readonly string[]): Promise<FinalEvent[]> {
  const result = await db.query<{
    event_id: string;
    vehicle_id: string | null;
    status: string;
    outcome: string | null;
    error_reason: string | null;
    error_message: string | null;
    attempts: number;
  }>("SELECT event_id, vehicle_id, status, outcome, error_reason, error_message, attempts FROM event WHERE event_id = ANY($1::text[])", [eventIds]);
  return result.rows.map((r) => ({
    eventId: r.event_id,
    vehicleId: r.vehicle_id,
    status: r.status,
    outcome: r.outcome,
    errorReason: r.error_reason,
    errorMessage: r.error_message,
    attempts: r.attempts,
  }));
}

interface Reading {
  body: unknown;
  oemUpdatedAt: number;
  retrievedAt: number;
}

/** What one vehicle signal must look like after processing every acknowledged event. */
export interface ExpectedSignal {
  vehicleId: string;
  code: string;
  /** The readings with the greatest ordering key (more than one only on an exact tie). */
  newest: Reading[];
  /** The latest fetch time of any reading: when a good status was last observed. */
  lastReadingObservedAt: number | null;
  /** Events that carried a failure of it (failed signal or COMPATIBILITY error). */
  failureEvents: string[];
}

/**
 * Expected latest state per vehicle and signal from the acknowledged messages' own bodies.
 * Applied events only: LIVE VEHICLE_STATE readings and failures, and COMPATIBILITY errors.
 *
 * The body is the newest reading sent, failures or not (a failure carries none). The status is
 * the latest observation's: a reading is observed at its fetch time, a failure at its event's
 * first deliveredAt (it has no fetch time) — a send time, which only checkVehicleState can read.
 */
export function expectedSignals(messages: Iterable<PlannedMessage>): Map<string, ExpectedSignal> {
  const expected = new Map<string, ExpectedSignal>();
  const entry = (vehicleId: string, code: string): ExpectedSignal => {
    const key = `${vehicleId}/${code}`;
    let signal = expected.get(key);
    if (!signal) {
      signal = { vehicleId, code, newest: [], lastReadingObservedAt: null, failureEvents: [] };
      expected.set(key, signal);
    }
    return signal;
  };
  for (const message of messages) {
    if (message.mode !== "LIVE" || message.vehicleId === null) continue;
    const data = record(message.template.data);
    if (message.eventType === "VEHICLE_STATE") {
      for (const raw of array(data.signals)) {
        const signal = record(raw);
        const code = String(signal.code).toLowerCase();
        if (signal.body === undefined) {
          entry(message.vehicleId, code).failureEvents.push(message.eventId);
          continue;
        }
        const meta = record(signal.meta);
        const reading = { body: signal.body, oemUpdatedAt: Number(meta.oemUpdatedAt), retrievedAt: Number(meta.fetchedAt ?? meta.retrievedAt) };
        // The simulator stamps both on every reading; the deliveredAt fallback is never needed.
        if (!Number.isFinite(reading.oemUpdatedAt) || !Number.isFinite(reading.retrievedAt)) throw new Error(`reading without times in ${message.eventId}`);
        addReading(entry(message.vehicleId, code), reading);
      }
    } else if (message.eventType === "VEHICLE_ERROR") {
      for (const raw of array(data.errors)) {
        const error = record(raw);
        if (error.type !== "COMPATIBILITY" || error.state === "RESOLVED") continue;
        for (const ref of array(error.signals)) entry(message.vehicleId, signalCode(ref)).failureEvents.push(message.eventId);
      }
    }
  }
  return expected;
}

function addReading(signal: ExpectedSignal, reading: Reading): void {
  signal.lastReadingObservedAt = Math.max(signal.lastReadingObservedAt ?? reading.retrievedAt, reading.retrievedAt);
  const current = signal.newest[0];
  const order = current ? reading.oemUpdatedAt - current.oemUpdatedAt || reading.retrievedAt - current.retrievedAt : 1;
  if (order > 0) signal.newest = [reading];
  else if (order === 0 && !signal.newest.some((r) => isDeepStrictEqual(r.body, reading.body))) signal.newest.push(reading);
}

// Signals named by a VEHICLE_ERROR: objects with a code, or "Group.Name" strings.
function signalCode(ref: unknown): string {
  if (typeof ref === "string") return ref.replace(".", "-").toLowerCase();
  const named = record(ref);
  return String(named.code ?? `${String(named.group)}-${String(named.name)}`).toLowerCase();
}

export interface StateCheck {
  /** Signals whose value was compared with the newest reading. */
  exact: number;
  /** Of those, signals with a failure sent, whose status was checked against the latest observation. */
  failed: number;
  mismatches: string[];
}

/** Compares vehicle_signal of the given vehicles with the expectation, signal by signal. */
export async function checkVehicleState(db: pg.Pool, expected: Map<string, ExpectedSignal>, vehicleIds: readonly string[]): Promise<StateCheck> {
  const rows = await db.query<{ vehicle_id: string; code: string; status: string; body: unknown; oem_updated_at: Date | null; retrieved_at: Date | null }>(
    "SELECT vehicle_id, code, status, body, oem_updated_at, retrieved_at FROM vehicle_signal WHERE vehicle_id = ANY($1::text[])",
    [vehicleIds],
  );
  const wanted = new Set(vehicleIds);
  // When each failure was observed: its event's first deliveredAt, as the simulator stamped it. A
  // VEHICLE_ERROR re-detected within the window is not applied (DUPLICATE_ERROR): not a failure.
  const failureIds = [...expected.values()].flatMap((e) => (wanted.has(e.vehicleId) ? e.failureEvents : []));
  const sent = await db.query<{ event_id: string; first_delivered_at: Date }>(
    "SELECT event_id, first_delivered_at FROM event WHERE event_id = ANY($1::text[]) AND outcome IS DISTINCT FROM 'DUPLICATE_ERROR'",
    [failureIds],
  );
  const failureObservedAt = new Map(sent.rows.map((r) => [r.event_id, r.first_delivered_at.getTime()]));
  const mismatches: string[] = [];
  const seen = new Set<string>();
  let exact = 0;
  let failed = 0;
  for (const row of rows.rows) {
    const key = `${row.vehicle_id}/${row.code}`;
    seen.add(key);
    const want = expected.get(key);
    if (!want) {
      mismatches.push(`${key}: stored, but no acknowledged event carried it`);
      continue;
    }
    exact += 1;
    const failureAt = Math.max(...want.failureEvents.map((id) => failureObservedAt.get(id) ?? Number.NEGATIVE_INFINITY));
    if (want.failureEvents.length > 0) failed += 1;
    // The later observation sets the status; observed in the same millisecond, either may have.
    const readingAt = want.lastReadingObservedAt ?? Number.NEGATIVE_INFINITY;
    const ok = row.status === "OK";
    if (ok && failureAt > readingAt) mismatches.push(`${key}: status OK although a failure was observed at ${failureAt}, after every reading (${readingAt})`);
    if (!ok && readingAt > failureAt) mismatches.push(`${key}: status ${row.status} although a reading was observed after every failure`);
    if (want.newest.length === 0) {
      if (row.body !== null) mismatches.push(`${key}: body ${JSON.stringify(row.body)} although no reading was sent`);
      continue;
    }
    const match = want.newest.find((r) => isDeepStrictEqual(r.body, row.body));
    if (!match || row.oem_updated_at?.getTime() !== match.oemUpdatedAt || row.retrieved_at?.getTime() !== match.retrievedAt) {
      const newest = want.newest[0];
      mismatches.push(
        `${key}: stored ${row.status} ${JSON.stringify(row.body)} @${row.oem_updated_at?.toISOString()}, newest sent ${JSON.stringify(newest?.body)} @${newest ? new Date(newest.oemUpdatedAt).toISOString() : "-"}`,
      );
    }
  }
  for (const [key, want] of expected) {
    if (wanted.has(want.vehicleId) && !seen.has(key)) mismatches.push(`${key}: sent, but no vehicle_signal row`);
  }
  return { exact, failed, mismatches };
}

/** The line each proof prints into the test output (and the README's figures). */
/** The figures every proof starts with: what was sent, what got a 200, where those events ended, and how many were lost. */
export function deliveryFigures(summary: { messages: number; sent: number }, acknowledged: number, settled: Settled): Record<string, number> {
  return {
    sent: summary.messages,
    deliveries: summary.sent,
    acknowledged,
    processed: settled.processed,
    "dead-lettered": settled.deadLettered,
    lost: acknowledged - settled.processed - settled.deadLettered,
  };
}

export function printFigures(name: string, figures: Record<string, number | string>): void {
  console.log(`proof[${name}]: ${Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(" ")}`);
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function array(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
