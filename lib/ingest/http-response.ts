import type { ReceiveOutcome } from "@/lib/ingest/receive";
import { metrics } from "@/lib/observability/metrics";
import { recordReceipt } from "@/lib/stats/receiver-stats";

/** Maps the receiver's outcome to HTTP (API.md §1) and counts it. The one exhaustive switch. */
export function toHttpResponse(outcome: ReceiveOutcome, startedAt: number): Response {
  const response = build(outcome);
  const m = metrics();
  const label = outcomeLabel(outcome);
  m.deliveries.inc({ outcome: label.outcome, reason: label.reason });
  m.receiveDuration.observe({ outcome: label.outcome }, (performance.now() - startedAt) / 1000);
  recordReceipt(outcome, performance.now() - startedAt);
  return response;
}

function build(outcome: ReceiveOutcome): Response {
  switch (outcome.kind) {
    case "rejected":
      return Response.json({ error: { code: outcome.reason, message: outcome.message } }, { status: outcome.status });
    case "challenge":
      return Response.json({ challenge: outcome.challenge }, { status: 200 });
    case "unavailable":
      return Response.json(
        { error: { code: "STORAGE_UNAVAILABLE", message: "Storage is unavailable; retry later." } },
        { status: 503, headers: { "retry-after": "5" } },
      );
    case "stored":
    case "spooled":
      return Response.json({ status: outcome.duplicate ? "duplicate" : "accepted", eventId: outcome.eventId }, { status: 200 });
  }
}

function outcomeLabel(outcome: ReceiveOutcome): { outcome: string; reason: string } {
  switch (outcome.kind) {
    case "rejected":
      return { outcome: "rejected", reason: outcome.reason };
    case "challenge":
      return { outcome: "challenge", reason: "" };
    case "unavailable":
      return { outcome: "rejected", reason: "STORAGE_UNAVAILABLE" };
    case "stored":
      return { outcome: outcome.duplicate ? "duplicate" : "accepted", reason: "" };
    case "spooled":
      return { outcome: "spooled", reason: "" };
  }
}
