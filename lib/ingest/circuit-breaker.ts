// While the database is failing, every delivery would otherwise wait for a connection timeout.
// The breaker answers at once instead, and lets one request through every `probeMs` to find out
// whether the database is back. State is per process: each receiver learns on its own.

export interface CircuitBreaker {
  /** True when a call should be attempted now (closed, or a half-open probe is due). */
  allow(now?: number): boolean;
  succeeded(): void;
  failed(now?: number): void;
  readonly state: "closed" | "open";
}

export function createCircuitBreaker({ probeMs }: { probeMs: number }): CircuitBreaker {
  let openedUntil = 0;
  let open = false;
  return {
    allow(now = Date.now()) {
      if (!open) return true;
      if (now < openedUntil) return false;
      // Half-open: this caller probes; the others keep failing fast until it reports back.
      openedUntil = now + probeMs;
      return true;
    },
    succeeded() {
      open = false;
      openedUntil = 0;
    },
    failed(now = Date.now()) {
      open = true;
      openedUntil = now + probeMs;
    },
    get state() {
      return open ? "open" : "closed";
    },
  };
}
