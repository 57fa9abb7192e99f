// While the database is failing, every delivery would otherwise wait for a connection timeout.
// The breaker answers at once instead, and lets one request through every `probeMs` to find out
// whether the database is back. State is per process: each receiver learns on its own.

export interface CircuitBreaker {
  /** True when a call should be attempted now (closed, or a half-open probe is due). */
  allow(now?: number): boolean;
  /**
   * A call that started at `startedAt` succeeded. One that started before the breaker opened
   * proves nothing (a database shutting down still finishes some statements) and is ignored.
   */
  succeeded(startedAt?: number, now?: number): void;
  failed(now?: number): void;
  readonly state: "closed" | "open";
}

export interface CircuitBreakerOptions {
  probeMs: number;
  /** Called once when the breaker goes from closed to open: an outage window starts. */
  onOpen?: (at: Date) => void;
  /** Called once when it closes again. */
  onClose?: (at: Date) => void;
}

export function createCircuitBreaker({ probeMs, onOpen, onClose }: CircuitBreakerOptions): CircuitBreaker {
  let openedUntil = 0;
  let openedAt = 0;
  let open = false;
  return {
    allow(now = Date.now()) {
      if (!open) return true;
      if (now < openedUntil) return false;
      // Half-open: this caller probes; the others keep failing fast until it reports back.
      openedUntil = now + probeMs;
      return true;
    },
    succeeded(startedAt = Date.now(), now = Date.now()) {
      if (!open) return;
      if (startedAt < openedAt) return;
      openedUntil = 0;
      open = false;
      onClose?.(new Date(now));
    },
    failed(now = Date.now()) {
      openedUntil = now + probeMs;
      if (open) return;
      open = true;
      openedAt = now;
      onOpen?.(new Date(now));
    },
    get state() {
      return open ? "open" : "closed";
    },
  };
}
