import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue, type Registry } from "prom-client";
import type { Env } from "@/lib/config";
import { logger } from "@/lib/observability/logger";

// How the server process talks to its executor workers: each worker answers on a Unix socket
// named after the data dir (short enough for the socket path limit, private to the machine, no
// port to pick or collide). Three calls:
// - POST /wake: runs were enqueued, claim now instead of at the next poll (a worker cannot see the
//   server's enqueues otherwise; Postgres NOTIFY would take a database-wide lock in every
//   receiver commit).
// - GET /metrics: the worker's own counters, which the server's /api/metrics adds to its own.
// - GET /ping: whether the worker is up (the deep health check counts the ones that answer).

type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

const REQUEST_TIMEOUT_MS = 1_000;
// Wakes are coalesced: one at a time per worker, at most one per interval. Under load the
// workers are busy and claim after every run anyway; when idle, a run waits at most this long.
const WAKE_INTERVAL_MS = 5;

export function workerSocketPath(config: Pick<Env, "DATA_DIR">, worker: number): string {
  const dataDir = createHash("sha256").update(path.resolve(config.DATA_DIR)).digest("hex").slice(0, 12);
  return path.join(os.tmpdir(), `smartcar-monitor-${dataDir}-worker-${worker}.sock`);
}

/** The sockets of the workers the launcher started beside this server process. */
export function workerSockets(config: Env): string[] {
  if (config.SMARTCAR_PROCESS_ROLE !== "web") return [];
  return Array.from({ length: config.EXECUTOR_WORKERS }, (_, i) => workerSocketPath(config, i + 1));
}

/** The worker's side; resolves once listening. */
export async function serveWorkerSocket(socketPath: string, handlers: { registry: Registry; wake: () => void }): Promise<{ close(): Promise<void> }> {
  // Left behind by a worker that was killed: nothing listens on it any more.
  rmSync(socketPath, { force: true });
  const server = http.createServer((request, response) => {
    if (request.method === "POST" && request.url === "/wake") {
      handlers.wake();
      response.writeHead(204).end();
      return;
    }
    if (request.url === "/ping") {
      response.writeHead(204).end();
      return;
    }
    handlers.registry.getMetricsAsJSON().then(
      (json) => response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(json)),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(socketPath, resolve));
  return {
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // The server keeps its connections alive between calls; none is mid-answer worth waiting for.
        server.closeAllConnections();
      }),
  };
}

// Keep-alive: a wake is one small request on an open connection.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** How many of the workers answer now (one that is restarting, or hangs past the timeout, does not). */
export async function answeringWorkers(sockets: string[]): Promise<number> {
  const answers = await Promise.all(sockets.map((s) => call(s, "GET", "/ping")));
  return answers.filter((a) => a?.status === 204).length;
}

function call(socketPath: string, method: "GET" | "POST", urlPath: string): Promise<{ status: number; body: string } | null> {
  return new Promise((resolve) => {
    const request = http.request({ socketPath, method, path: urlPath, agent, timeout: REQUEST_TIMEOUT_MS }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      response.on("error", () => resolve(null));
    });
    request.on("timeout", () => request.destroy(new Error("timed out")));
    // A worker that is restarting answers nothing: its next poll finds the runs anyway.
    request.on("error", (error) => {
      logger.debug({ socketPath, err: error }, "worker.unreachable");
      resolve(null);
    });
    request.end();
  });
}

/** The server's wake-up call for its workers (the registry's waker in the server process). */
export function workerWaker(sockets: string[]): () => void {
  let inFlight = false;
  let again = false;
  const send = () => {
    inFlight = true;
    void Promise.all(sockets.map((s) => call(s, "POST", "/wake"))).then(() =>
      setTimeout(() => {
        inFlight = false;
        if (again) {
          again = false;
          send();
        }
      }, WAKE_INTERVAL_MS).unref(),
    );
  };
  return () => {
    if (inFlight) again = true;
    else send();
  };
}

/**
 * The server's registry with every worker's counts added. A worker that does not answer (it is
 * restarting) is left out of this scrape: its counters restart from zero anyway, which Prometheus
 * reads as a counter reset.
 */
export async function metricsWithWorkers(registry: Registry, sockets: string[]): Promise<{ text: string; contentType: string }> {
  if (sockets.length === 0) return { text: await registry.metrics(), contentType: registry.contentType };
  const [own, ...workers] = await Promise.all([registry.getMetricsAsJSON(), ...sockets.map(workerMetrics)]);
  const merged = AggregatorRegistry.aggregate([own, ...workers.filter((w): w is MetricsJson => w !== null)]);
  return { text: await merged.metrics(), contentType: registry.contentType };
}

async function workerMetrics(socketPath: string): Promise<MetricsJson | null> {
  const answer = await call(socketPath, "GET", "/metrics");
  if (answer?.status !== 200) return null;
  try {
    return JSON.parse(answer.body) as MetricsJson;
  } catch {
    return null;
  }
}
