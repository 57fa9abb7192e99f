import { randomUUID } from "node:crypto";
import type pg from "pg";
import { describe, expect, it } from "vitest";
import { useAppWithDatabase } from "../../helpers/app-with-database";
import { vehicleState } from "../../helpers/events";
import { postWebhook } from "../../helpers/smartcar";
import { waitFor } from "../../helpers/wait-for";

// The receiver's group commit (lib/ingest/statement-batcher.ts): deliveries verified while every
// statement slot is busy are stored together, and each is answered only once its statement has
// committed. The database is made busy on purpose: a transaction holds a lock that every
// receiver statement waits for, so what is in flight and what waits is known, not guessed.

const METRICS_TOKEN = "group-commit-metrics-token";
const suite = useAppWithDatabase({ env: { METRICS_TOKEN } });

const reading = (vehicleId: string, value: number, eventId?: string) =>
  vehicleState(vehicleId, [{ code: "tractionbattery-stateofcharge", value, unit: "percent", oemUpdatedAt: Date.now() }], { eventId });

async function metricLines(): Promise<string[]> {
  const res = await fetch(`${suite.app.url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  return (await res.text()).split("\n");
}

const valueOf = (lines: string[], name: string) => Number(lines.find((l) => l.startsWith(`${name} `))?.split(" ")[1] ?? 0);

async function statementStats(): Promise<{ statements: number; deliveries: number }> {
  const lines = await metricLines();
  return { statements: valueOf(lines, "smartcar_store_statement_deliveries_count"), deliveries: valueOf(lines, "smartcar_store_statement_deliveries_sum") };
}

interface HeldLock {
  /** Commits the blocking transaction; later calls do nothing. */
  release(): Promise<void>;
}

/** Holds a lock every receiver statement needs (it inserts into delivery) until released. */
async function blockReceiverStatements(db: pg.Pool): Promise<HeldLock> {
  const client = await db.connect();
  await client.query("BEGIN");
  await client.query("LOCK TABLE delivery IN SHARE MODE");
  let held = true;
  return {
    release: async () => {
      if (!held) return;
      held = false;
      await client.query("COMMIT");
      client.release();
    },
  };
}

function waitForBlockedStatements(db: pg.Pool, n: number): Promise<true> {
  return waitFor(
    async () => {
      const { rows } = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO delivery%'",
      );
      return rows[0]?.n === n ? true : undefined;
    },
    { what: `${n} receiver statements waiting for the lock` },
  );
}

function waitForWaitingDeliveries(n: number): Promise<true> {
  return waitFor(async () => (valueOf(await metricLines(), "smartcar_store_waiting_deliveries") === n ? true : undefined), { what: `${n} deliveries waiting for a statement` });
}

/** Blocks the receiver's statements, then fills its 4 statement slots with deliveries of `vehicleId`. */
async function fillStatementSlots(vehicleId: string) {
  const lock = await blockReceiverStatements(suite.db);
  try {
    const fillers = tracked(Array.from({ length: 4 }, (_, i) => postWebhook(suite.app.url, reading(vehicleId, i))));
    await waitForBlockedStatements(suite.db, 4);
    return { lock, fillers };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

// Resolves with the answer; `settled` counts answers already in.
function tracked(requests: Promise<Response>[]) {
  const state = { settled: 0 };
  const answers = requests.map((r) =>
    r.then(async (res) => {
      state.settled += 1;
      return { status: res.status, body: (await res.json()) as { status?: string; eventId?: string; error?: { code: string } } };
    }),
  );
  return { state, answers };
}

describe("group commit", () => {
  it("stores deliveries that arrive while the database is busy in shared statements, answering each only after its commit", { timeout: 60_000 }, async () => {
    const before = await statementStats();
    const vehicleId = `gc${randomUUID().slice(0, 8)}`;
    const bodies = Array.from({ length: 24 }, (_, i) => reading(vehicleId, i));
    const lock = await blockReceiverStatements(suite.db);
    try {
      // Fills every statement slot; all of them wait for the lock.
      const inFlight = tracked(bodies.slice(0, 4).map((b) => postWebhook(suite.app.url, b)));
      await waitForBlockedStatements(suite.db, 4);
      // These are verified and wait for a slot: 20 events, and Smartcar's retry of one of the first.
      const waiting = tracked([...bodies.slice(4), bodies[1] ?? ""].map((b) => postWebhook(suite.app.url, b)));
      await waitForWaitingDeliveries(21);
      expect(inFlight.state.settled + waiting.state.settled).toBe(0);

      await lock.release();
      const answers = await Promise.all([...inFlight.answers, ...waiting.answers]);
      expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 25 }, () => 200));
      expect(answers.slice(0, 24).map((a) => a.body.status)).toEqual(Array.from({ length: 24 }, () => "accepted"));
      expect(answers[24]?.body).toMatchObject({ status: "duplicate", eventId: answers[1]?.body.eventId });

      const eventIds = answers.slice(0, 24).map((a) => a.body.eventId);
      const stored = await suite.db.query<{ event_id: string; delivery_count: number; deliveries: number }>(
        `SELECT e.event_id, e.delivery_count, (SELECT count(*)::int FROM delivery d WHERE d.event_id = e.event_id) AS deliveries
         FROM event e WHERE e.event_id = ANY($1::text[])`,
        [eventIds],
      );
      expect(stored.rows).toHaveLength(24);
      for (const row of stored.rows) {
        const expected = row.event_id === eventIds[1] ? 2 : 1;
        expect(row).toMatchObject({ delivery_count: expected, deliveries: expected });
      }

      // 4 statements of one, then the 21 waiting deliveries in a few shared ones.
      const after = await statementStats();
      expect(after.deliveries - before.deliveries).toBe(25);
      const statements = after.statements - before.statements;
      expect(statements).toBeGreaterThan(4);
      expect(statements).toBeLessThanOrEqual(7);
    } finally {
      await lock.release();
    }
  });

  it("retries a shared statement the database refuses one delivery at a time: only the refused delivery gets a 503", { timeout: 60_000 }, async () => {
    const refusedId = `refuse-${randomUUID()}`;
    await suite.db.query(`
CREATE OR REPLACE FUNCTION test_refuse_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.event_id LIKE 'refuse-%' THEN RAISE EXCEPTION 'event refused by a test trigger'; END IF;
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER test_refuse_event BEFORE INSERT ON event FOR EACH ROW EXECUTE FUNCTION test_refuse_event();`);
    const vehicleId = `gr${randomUUID().slice(0, 8)}`;
    const { lock, fillers } = await fillStatementSlots(vehicleId);
    try {
      const batch = [reading(vehicleId, 10), reading(vehicleId, 11), reading(vehicleId, 12, refusedId), reading(vehicleId, 13), reading(vehicleId, 14)];
      const shared = tracked(batch.map((b) => postWebhook(suite.app.url, b)));
      await waitForWaitingDeliveries(5);
      await lock.release();

      const fillerAnswers = await Promise.all(fillers.answers);
      expect(fillerAnswers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
      const answers = await Promise.all(shared.answers);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 503, 200, 200]);
      expect(answers[2]?.body).toMatchObject({ error: { code: "STORAGE_UNAVAILABLE" } });
      expect(suite.app.output()).toContain("webhook.batch_refused");

      const stored = await suite.db.query<{ n: number }>("SELECT count(*)::int AS n FROM event WHERE vehicle_id = $1", [vehicleId]);
      expect(stored.rows[0]?.n).toBe(8);
      const refused = await suite.db.query("SELECT 1 FROM event WHERE event_id = $1", [refusedId]);
      expect(refused.rowCount).toBe(0);
    } finally {
      await lock.release();
      await suite.db.query("DROP TRIGGER IF EXISTS test_refuse_event ON event");
    }
  });

  it("spools a delivery that waited 2 s for a statement slot, and stores it once the database takes statements again", { timeout: 60_000 }, async () => {
    const vehicleId = `gs${randomUUID().slice(0, 8)}`;
    const { lock, fillers } = await fillStatementSlots(vehicleId);
    try {
      const started = Date.now();
      const res = await postWebhook(suite.app.url, reading(vehicleId, 50));
      const waited = Date.now() - started;
      // Kept on disk and acknowledged well inside Smartcar's 15 s, not held until the database answers.
      expect(res.status).toBe(200);
      const { eventId } = (await res.json()) as { eventId: string };
      expect(waited).toBeGreaterThanOrEqual(2_000);
      expect(waited).toBeLessThan(10_000);
      expect(fillers.state.settled).toBe(0);
      expect(suite.app.output()).toMatch(new RegExp(`"eventId":"${eventId}".*"spooled":true`));

      await lock.release();
      expect((await Promise.all(fillers.answers)).map((a) => a.status)).toEqual([200, 200, 200, 200]);
      const stored = await waitFor(
        async () => {
          const { rows } = await suite.db.query<{ n: number }>("SELECT count(*)::int AS n FROM event WHERE event_id = $1", [eventId]);
          return rows[0]?.n === 1 ? true : undefined;
        },
        { timeoutMs: 30_000, what: "the spooled delivery to be replayed into the database" },
      );
      expect(stored).toBe(true);
    } finally {
      await lock.release();
    }
  });
});
