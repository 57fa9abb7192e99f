import { inngest } from "@/inngest/client";
import { insertRunsSql, runRowsFor, serialiseRows } from "@/inngest/embedded/enqueue";
import { registeredFunctionTable, wakeEmbeddedExecutor } from "@/inngest/embedded/registry";
import { SMARTCAR_EVENT_RECEIVED, type SmartcarEventReceivedData } from "@/inngest/events";
import { env, resolveQueueMode } from "@/lib/config";
import { pool } from "@/lib/db/pool";
import { logger } from "@/lib/observability/logger";

export interface DispatchItem {
  eventId: string;
  vehicleId: string | null;
  /** Inngest event id (API.md §2): `<eventId>`, `<eventId>:sweep:<n>` or `<eventId>:redrive:<n>`. */
  inngestId: string;
}

// Dispatches requested within a few milliseconds of each other share one queue call and one
// statement: under load the receiver asks for one per delivery, and a statement (a commit, a WAL
// flush) per delivery was a third of its database work (bench/README.md). The receiver calls
// this after its answer is sent, so the wait costs Smartcar nothing.
const BATCH_WINDOW_MS = 5;
const MAX_BATCH = 500;

interface Batch {
  items: DispatchItem[];
  waiters: ((ok: boolean) => void)[];
}

let pending: Batch | undefined;

/**
 * Hands stored events to the queue and records that it did. Never throws: an event that could
 * not be dispatched stays undispatched and the sweep sends it again. Resolves once its batch is
 * done, true when it was dispatched.
 */
export function dispatchStoredEvents(items: DispatchItem[]): Promise<boolean> {
  if (items.length === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    if (!pending) {
      const batch: Batch = { items: [], waiters: [] };
      pending = batch;
      setTimeout(() => flush(batch), BATCH_WINDOW_MS);
    }
    pending.items.push(...items);
    pending.waiters.push(resolve);
    if (pending.items.length >= MAX_BATCH) flush(pending);
  });
}

function flush(batch: Batch): void {
  if (pending !== batch) return;
  pending = undefined;
  void dispatchNow(batch.items).then((ok) => {
    for (const resolve of batch.waiters) resolve(ok);
  });
}

function queueEvent(item: DispatchItem) {
  const data: SmartcarEventReceivedData = { eventId: item.eventId, vehicleId: item.vehicleId };
  return { id: item.inngestId, name: SMARTCAR_EVENT_RECEIVED, data };
}

/**
 * With the embedded queue, the runs of a newly received event, for the receiver's own statement
 * to queue (storeDelivery's `runs`): the event is then stored already dispatched and needs no
 * dispatch of its own. Null with Inngest, or while this process has no function table; the
 * dispatch after the answer (and the sweep) covers those.
 */
export async function runsToStoreWith(item: DispatchItem): Promise<string | null> {
  if (resolveQueueMode(env()) !== "embedded") return null;
  try {
    return serialiseRows(runRowsFor(await registeredFunctionTable(), [queueEvent(item)]));
  } catch {
    return null;
  }
}

async function dispatchNow(items: DispatchItem[]): Promise<boolean> {
  try {
    const events = items.map(queueEvent);
    const eventIds = items.map((i) => i.eventId);
    // Same events, same ids in every mode; only the transport differs.
    if (resolveQueueMode(env()) === "embedded") {
      const rows = runRowsFor(await registeredFunctionTable(), events);
      await pool().query({ name: "enqueue-and-mark-dispatched", text: ENQUEUE_AND_MARK_SQL, values: [serialiseRows(rows), eventIds] });
      wakeEmbeddedExecutor();
    } else {
      await withinDeadline(inngest.send(events), env().DISPATCH_TIMEOUT_MS);
      await pool().query({ name: "mark-dispatched", text: MARK_DISPATCHED_SQL, values: [eventIds] });
    }
    return true;
  } catch (error) {
    logger.warn({ eventIds: items.map((i) => i.eventId), err: error }, "dispatch.failed");
    return false;
  }
}

// inngest.send() retries on its own, each attempt with its own timeout (inngest/client.ts): a
// hanging event API would hold a dispatch — and on Vercel the function behind after() — for
// several timeouts. The whole send gets one; whatever it leaves undone, the sweep re-sends.
async function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the queue did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

const markDispatchedSql = (eventIdsParam: string) =>
  `UPDATE event SET dispatched_at = now() WHERE event_id = ANY(${eventIdsParam}::text[]) AND status = 'PENDING'`;

const MARK_DISPATCHED_SQL = markDispatchedSql("$1");

// The embedded queue lives in the same database: the runs and the mark commit together.
const ENQUEUE_AND_MARK_SQL = `
WITH runs AS (${insertRunsSql("$1")})
${markDispatchedSql("$2")}`;
