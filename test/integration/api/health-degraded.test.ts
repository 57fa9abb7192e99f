import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// A "database" that accepts connections and never answers: the worst case for a probe, which
// must still get its 503 within the bound instead of hanging.
let blackHole: Server;
const sockets = new Set<Socket>();
let healthRoute: typeof import("@/app/api/health/route");

beforeAll(async () => {
  blackHole = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", resolve));
  const address = blackHole.address();
  const port = typeof address === "object" && address ? address.port : 0;
  process.env.DATABASE_URL = `postgres://postgres:secret-password@127.0.0.1:${port}/smartcar`;
  process.env.DATABASE_MODE = "embedded";
  process.env.QUEUE_MODE = "embedded";
  // The expected "database unavailable" warning would only clutter the test output.
  process.env.LOG_LEVEL = "silent";
  healthRoute = await import("@/app/api/health/route");
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  const { closePool } = await import("@/lib/db/pool");
  await closePool();
  await new Promise((resolve) => blackHole.close(resolve));
});

describe("/api/health with an unresponsive database", () => {
  it("answers 503 degraded within the bound, naming no host or secret", async () => {
    const started = Date.now();
    const response = await healthRoute.GET(new Request("http://localhost/api/health?deep=1"));
    const elapsed = Date.now() - started;

    expect(response.status).toBe(503);
    const text = await response.text();
    expect(JSON.parse(text)).toStrictEqual({ status: "degraded", database: { mode: "embedded", ok: false }, queue: { mode: "embedded" } });
    expect(text).not.toMatch(/127\.0\.0\.1|secret|postgres/);
    expect(elapsed).toBeGreaterThanOrEqual(1_400);
    expect(elapsed).toBeLessThan(2_500);
  });
});
