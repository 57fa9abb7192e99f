import { subscribe } from "node:diagnostics_channel";
import { ServerResponse } from "node:http";
import { Server } from "node:net";
import { setTimeout as delay } from "node:timers/promises";

// With NEXT_MANUAL_SIG_HANDLE set (the launcher sets it) Next no longer closes its HTTP server
// on SIGTERM; the graceful stop does, and it needs the server and the requests in flight, which
// Next does not expose. Node's http diagnostics channel reports both for every request.

interface HttpTracker {
  servers: Set<Server>;
  open: Set<ServerResponse>;
  draining: boolean;
}

const globalForHttp = globalThis as unknown as { smartcarHttpTracker?: HttpTracker };

const POLL_MS = 20;

/** Starts following this process's HTTP requests; call once, before the server takes traffic. */
export function trackHttpRequests(): void {
  if (globalForHttp.smartcarHttpTracker) return;
  const tracker: HttpTracker = { servers: new Set(), open: new Set(), draining: false };
  globalForHttp.smartcarHttpTracker = tracker;
  subscribe("http.server.request.start", (message) => {
    if (typeof message !== "object" || message === null) return;
    if ("server" in message && message.server instanceof Server) tracker.servers.add(message.server);
    if (!("response" in message) || !(message.response instanceof ServerResponse)) return;
    const response = message.response;
    tracker.open.add(response);
    // While draining, a kept-alive connection must not carry one request after another for ever.
    if (tracker.draining) response.setHeader("connection", "close");
    response.once("close", () => tracker.open.delete(response));
  });
}

/**
 * Stops accepting connections and waits (at most `timeoutMs`) for the requests in flight to be
 * answered; returns how many were still open when it gave up.
 */
export async function drainHttp(timeoutMs: number): Promise<{ unfinished: number }> {
  const tracker = globalForHttp.smartcarHttpTracker;
  if (!tracker) return { unfinished: 0 };
  tracker.draining = true;
  for (const server of tracker.servers) server.close(() => undefined);
  const deadline = Date.now() + timeoutMs;
  while (tracker.open.size > 0 && Date.now() < deadline) {
    // A connection that finished its request is idle: close it before the client reuses it.
    for (const server of tracker.servers) if ("closeIdleConnections" in server && typeof server.closeIdleConnections === "function") server.closeIdleConnections();
    await delay(POLL_MS);
  }
  return { unfinished: tracker.open.size };
}
