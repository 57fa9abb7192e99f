import os from "node:os";
import type pg from "pg";
import type { Logger } from "pino";

// A worker runs below the server's CPU priority (nice 10, worker-supervisor.ts) so that, on a busy
// machine, receiving comes first: Smartcar drops what it cannot deliver, a backlog only waits.
// The Postgres backends doing the worker's statements would still run at normal priority and take
// back most of what the niceness gave up (at 300/s with processing live they used more CPU than
// the worker itself). With the embedded database — a local Postgres running as the app's own user
// — each new session of the worker's pool runs at nice 5. Measured (300/s with processing live,
// p99 of 3 runs; a 10 000 burst after 30 000 events): normal priority 25/95/60 ms, 44 s; nice 10
// 40/42/33 ms, 51 s (the backends hold WAL locks other sessions wait for); nice 5 46/34/29 ms, 43 s.
const SESSION_NICENESS = 5;

export function lowerSessionPriority(pool: pg.Pool, logger: Logger): void {
  const niceness = Math.min(os.getPriority(), SESSION_NICENESS);
  if (niceness <= 0) return;
  let warned = false;
  pool.on("connect", (client) => {
    client
      .query<{ pid: number }>("SELECT pg_backend_pid() AS pid")
      .then(({ rows }) => {
        const pid = rows[0]?.pid;
        if (pid !== undefined) os.setPriority(pid, niceness);
      })
      .catch((error: unknown) => {
        if (warned) return;
        warned = true;
        logger.warn({ err: error }, "worker.session_niceness_unavailable: its database sessions keep the normal priority");
      });
  });
}
