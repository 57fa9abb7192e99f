import { env, resolveQueueMode, type QueueMode } from "@/lib/config";
import { pool } from "@/lib/db/pool";
import { prisma } from "@/lib/db/prisma";
import { logger } from "@/lib/observability/logger";
import { answeringWorkers, workerSockets } from "@/lib/runtime/worker-socket";

// GET /api/health's report (API.md §6). Unauthenticated, so it names modes and counts only:
// never hostnames, versions, error messages or secrets.

// A load balancer's probe must get an answer well inside its own timeout, even when Postgres
// accepts connections and never answers.
const DATABASE_TIMEOUT_MS = 1_500;

export interface HealthReport {
  status: "ok" | "degraded";
  database: { mode: "embedded" | "external"; ok: boolean };
  queue: { mode: QueueMode };
  /** ?deep=1 only. */
  backlog?: { pending: number; oldestPendingAgeSeconds: number | null };
  /** ?deep=1 with the embedded executor only; `workers` when it runs in worker processes (npm start). */
  executor?: { queued: number; running: number; workers?: { configured: number; answering: number } };
}

export async function checkHealth({ deep, now = new Date() }: { deep: boolean; now?: Date }): Promise<HealthReport> {
  const config = env();
  const queueMode = resolveQueueMode(config);
  // The launcher sets DATABASE_MODE when it starts the embedded database.
  const databaseMode = config.DATABASE_MODE ?? "external";
  const queue = { mode: queueMode };
  try {
    await withTimeout(pool().query("SELECT 1"), DATABASE_TIMEOUT_MS);
    const report: HealthReport = { status: "ok", database: { mode: databaseMode, ok: true }, queue };
    if (!deep) return report;
    const [backlog, executor] = await withTimeout(
      Promise.all([readBacklog(now), queueMode === "embedded" ? readExecutor(workerSockets(config)) : undefined]),
      DATABASE_TIMEOUT_MS,
    );
    return { ...report, backlog, ...(executor && { executor }) };
  } catch (err) {
    logger.warn({ err }, "health check: database unavailable");
    return { status: "degraded", database: { mode: databaseMode, ok: false }, queue };
  }
}

async function readBacklog(now: Date): Promise<NonNullable<HealthReport["backlog"]>> {
  const pending = await prisma().event.aggregate({
    where: { status: "PENDING" },
    _count: { _all: true },
    _min: { receivedAt: true },
  });
  const oldest = pending._min.receivedAt;
  return {
    pending: pending._count._all,
    oldestPendingAgeSeconds: oldest ? Math.max(0, Math.floor((now.getTime() - oldest.getTime()) / 1000)) : null,
  };
}

async function readExecutor(sockets: string[]): Promise<NonNullable<HealthReport["executor"]>> {
  const [groups, answering] = await Promise.all([
    prisma().executorRun.groupBy({
      by: ["status"],
      where: { status: { in: ["QUEUED", "RUNNING"] } },
      _count: { _all: true },
    }),
    answeringWorkers(sockets),
  ]);
  const count = (status: "QUEUED" | "RUNNING") => groups.find((g) => g.status === status)?._count._all ?? 0;
  // Receiving goes on without workers (the launcher restarts a dead one), so no answer does not
  // make the instance degraded: a monitor reads `answering < configured` as processing stalled.
  const workers = sockets.length > 0 ? { workers: { configured: sockets.length, answering } } : {};
  return { queued: count("QUEUED"), running: count("RUNNING"), ...workers };
}

// The abandoned query keeps its pool client until pg's own timeouts free it; the probe answers now.
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
