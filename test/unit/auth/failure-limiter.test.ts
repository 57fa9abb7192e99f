import { describe, expect, it } from "vitest";
import { createFailureLimiter } from "@/lib/auth/failure-limiter";

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("createFailureLimiter", () => {
  it("blocks a key after maxFailures in one window, and only that key", () => {
    const time = clock();
    const limiter = createFailureLimiter({ maxFailures: 3, windowMs: 60_000, now: time.now });
    for (let i = 0; i < 2; i++) limiter.recordFailure("10.0.0.1");
    expect(limiter.isBlocked("10.0.0.1")).toBe(false);
    limiter.recordFailure("10.0.0.1");
    expect(limiter.isBlocked("10.0.0.1")).toBe(true);
    expect(limiter.isBlocked("10.0.0.2")).toBe(false);
  });

  it("forgets a window once it has passed", () => {
    const time = clock();
    const limiter = createFailureLimiter({ maxFailures: 2, windowMs: 60_000, now: time.now });
    limiter.recordFailure("a");
    limiter.recordFailure("a");
    time.advance(59_999);
    expect(limiter.isBlocked("a")).toBe(true);
    time.advance(1);
    expect(limiter.isBlocked("a")).toBe(false);
    // A failure after the window starts a new count rather than adding to the old one.
    limiter.recordFailure("a");
    expect(limiter.isBlocked("a")).toBe(false);
  });

  it("keeps at most maxKeys windows, dropping the oldest first", () => {
    const time = clock();
    const limiter = createFailureLimiter({ maxFailures: 1, windowMs: 60_000, maxKeys: 2, now: time.now });
    limiter.recordFailure("first");
    limiter.recordFailure("second");
    limiter.recordFailure("third");
    expect(limiter.isBlocked("first")).toBe(false);
    expect(limiter.isBlocked("second")).toBe(true);
    expect(limiter.isBlocked("third")).toBe(true);
  });
});
