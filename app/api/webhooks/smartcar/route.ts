// POST /api/webhooks/smartcar – verify, store and acknowledge a Smartcar delivery (API.md §1)
import { after } from "next/server";
import { dispatchStoredEvents } from "@/lib/ingest/dispatch";
import { toHttpResponse } from "@/lib/ingest/http-response";
import { receiveDelivery } from "@/lib/ingest/receive";
import { trackedAfterWork } from "@/lib/runtime/after-work";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  const startedAt = performance.now();
  // 1. Size cap → VERIFY → signature → parse → store (one transaction), or spool while storage is down.
  const outcome = await receiveDelivery(request);
  // 2. Hand the stored event to the queue once the answer is on its way (a graceful stop waits
  //    for it); the sweep covers failures. A spooled event is dispatched by its replay.
  if (outcome.kind === "stored" && outcome.needsDispatch) {
    const { eventId, vehicleId } = outcome;
    after(trackedAfterWork(() => dispatchStoredEvents([{ eventId, vehicleId, inngestId: eventId }])));
  }
  // 3. Answer Smartcar.
  return toHttpResponse(outcome, startedAt);
}
