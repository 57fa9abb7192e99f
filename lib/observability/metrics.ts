import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { env } from "@/lib/config";
import { pool } from "@/lib/db/pool";
import { registerAlertGauge } from "@/lib/observability/alert-gauge";
import { registerLiveGauges } from "@/lib/observability/live-gauges";

// One registry per process, on globalThis because Next can load this module from several bundles
// (route handlers, instrumentation) and two registries would each see half of the traffic.
interface Metrics {
  registry: Registry;
  deliveries: Counter<"outcome" | "reason">;
  signatureVerified: Counter<"slot">;
  receiveDuration: Histogram<"outcome">;
  eventsProcessed: Counter<"outcome">;
  deadLetters: Counter;
  processingLag: Histogram;
  spoolEntries: Gauge;
  spoolBytes: Gauge;
  spoolReplayed: Counter;
  spoolTornLines: Counter;
  spoolUnreplayable: Counter;
  storageBreakerOpen: Gauge;
  storeStatementDeliveries: Histogram;
  storeWaiting: Gauge;
  retentionRows: Counter<"task">;
}

const globalForMetrics = globalThis as unknown as { smartcarMetrics?: Metrics };

function createMetrics(): Metrics {
  const registry = new Registry();
  // Database-wide gauges come from the server: a worker's copies would be counted twice once the
  // server adds the workers' metrics to its own (lib/runtime/worker-socket.ts).
  if (env().SMARTCAR_PROCESS_ROLE !== "worker") {
    registerLiveGauges(registry, pool);
    registerAlertGauge(registry, pool);
  }
  return {
    registry,
    deliveries: new Counter({
      name: "smartcar_deliveries_total",
      help: "Webhook requests by outcome (accepted, duplicate, spooled, challenge, rejected) and rejection reason",
      labelNames: ["outcome", "reason"],
      registers: [registry],
    }),
    signatureVerified: new Counter({
      name: "smartcar_signature_verified_total",
      help: "Deliveries whose SC-Signature matched, by token slot",
      labelNames: ["slot"],
      registers: [registry],
    }),
    receiveDuration: new Histogram({
      name: "smartcar_receive_duration_seconds",
      help: "Time from request start to the receiver's answer",
      labelNames: ["outcome"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
      registers: [registry],
    }),
    eventsProcessed: new Counter({
      name: "smartcar_events_processed_total",
      help: "Events that finished processing, by outcome",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: "smartcar_dead_letters_total",
      help: "Events dead-lettered",
      registers: [registry],
    }),
    processingLag: new Histogram({
      name: "smartcar_processing_lag_seconds",
      help: "Time from receipt to processed",
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900],
      registers: [registry],
    }),
    // Local spool (lib/spool) and the receiver's view of storage: what an outage leaves to replay.
    spoolEntries: new Gauge({ name: "smartcar_spool_entries", help: "Verified deliveries waiting in this instance's local spool", registers: [registry] }),
    spoolBytes: new Gauge({ name: "smartcar_spool_bytes", help: "Bytes of this instance's local spool files", registers: [registry] }),
    spoolReplayed: new Counter({ name: "smartcar_spool_replayed_total", help: "Spooled deliveries stored in the database by a replay", registers: [registry] }),
    spoolTornLines: new Counter({ name: "smartcar_spool_torn_lines_total", help: "Incomplete spool lines skipped (appends cut off by a crash, never acknowledged)", registers: [registry] }),
    spoolUnreplayable: new Counter({ name: "smartcar_spool_unreplayable_total", help: "Spooled deliveries the database refused for good, set aside in unreplayable.jsonl", registers: [registry] }),
    storageBreakerOpen: new Gauge({ name: "smartcar_storage_breaker_open", help: "1 while this instance cannot store deliveries in the database", registers: [registry] }),
    storeStatementDeliveries: new Histogram({
      name: "smartcar_store_statement_deliveries",
      help: "Deliveries stored per receiver statement (group commit: more than 1 only while earlier statements are still running)",
      buckets: [1, 2, 4, 8, 16],
      registers: [registry],
    }),
    storeWaiting: new Gauge({
      name: "smartcar_store_waiting_deliveries",
      help: "Verified deliveries waiting for a receiver statement (every slot busy)",
      registers: [registry],
    }),
    retentionRows: new Counter({
      name: "smartcar_retention_rows_total",
      help: "Rows retention purged, coarsened or deleted, by task",
      labelNames: ["task"],
      registers: [registry],
    }),
  };
}

export function metrics(): Metrics {
  globalForMetrics.smartcarMetrics ??= createMetrics();
  return globalForMetrics.smartcarMetrics;
}
