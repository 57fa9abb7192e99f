import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import os from "node:os";
import type { Logger } from "pino";

// The launcher's side of the executor workers: starts each one (the bundle of scripts/worker.ts,
// lib/runtime/worker-bundle.ts), starts it again when it dies on its own (a crash must not leave
// the queue without a worker while the server keeps accepting), and stops it with the server.

// Receiving comes first: Smartcar gives up on a delivery after ~3 minutes of retries, while a
// processing backlog only delays the dashboard. Under CPU contention the kernel now serves the
// server before the workers (with the embedded database their Postgres sessions are lowered
// too: lib/runtime/session-niceness.ts).
const WORKER_NICENESS = 10;
const RESTART_MIN_MS = 1_000;
const RESTART_MAX_MS = 30_000;
// A worker that ran this long before dying gets the short restart delay again.
const STABLE_AFTER_MS = 60_000;

export interface SupervisedWorker {
  /** Forwards the signal and stops restarting; resolves when the worker has exited. */
  stop(signal: NodeJS.Signals): Promise<void>;
  kill(): void;
}

export function superviseWorker(index: number, options: { script: string; env: NodeJS.ProcessEnv; nodeFlags: string[]; logger: Logger }): SupervisedWorker {
  const { script, env, nodeFlags, logger } = options;
  let child: ChildProcess;
  let exited: Promise<void>;
  let stopping = false;
  let restartMs = 0;
  let restartTimer: NodeJS.Timeout | null = null;
  // The id each start of the worker leases runs under. Once the process has exited it holds
  // nothing any more, so the next start may take its runs back without waiting for their leases.
  let owner: string | undefined;

  const start = () => {
    const startedAt = Date.now();
    const deadOwner = owner;
    owner = `worker-${index}-${randomUUID()}`;
    child = spawn(process.execPath, [...nodeFlags, script], {
      stdio: "inherit",
      env: {
        ...env,
        SMARTCAR_PROCESS_ROLE: "worker",
        SMARTCAR_WORKER_INDEX: String(index),
        SMARTCAR_EXECUTOR_OWNER: owner,
        ...(deadOwner ? { SMARTCAR_DEAD_EXECUTOR_OWNER: deadOwner } : {}),
      },
    });
    try {
      if (child.pid !== undefined) os.setPriority(child.pid, WORKER_NICENESS);
    } catch (error) {
      logger.warn({ worker: index, err: error }, "worker.priority_not_lowered");
    }
    exited = new Promise((resolve) =>
      child.once("exit", (code, signal) => {
        resolve();
        if (stopping) return;
        restartMs = Date.now() - startedAt > STABLE_AFTER_MS ? RESTART_MIN_MS : Math.min(RESTART_MAX_MS, Math.max(RESTART_MIN_MS, restartMs * 2));
        logger.error({ worker: index, code, signal, restartInMs: restartMs }, "worker.exited");
        restartTimer = setTimeout(() => {
          restartTimer = null;
          if (!stopping) start();
        }, restartMs);
      }),
    );
  };
  start();

  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    stop: async (signal) => {
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      if (running()) child.kill(signal);
      await exited;
    },
    kill: () => {
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      if (running()) child.kill("SIGKILL");
    },
  };
}
