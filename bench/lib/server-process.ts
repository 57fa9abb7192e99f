// A Next server the benchmark starts: spawned in its own process group with its output in a
// log file, ready once it answers, stopped with SIGTERM to the group.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { waitFor } from "@/test/helpers/wait-for";

export interface RunningServer {
  url: string;
  /** The next-server process that answers requests. */
  serverPid: number;
  /** The executor workers the launcher runs beside it (npm start, EXECUTOR_WORKERS), looked up now: a restarted one has a new pid. */
  workerPids(): number[];
  stop(): Promise<void>;
}

export function spawnLogged(command: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const log = openSync(logFile, "a");
  // Its own process group, so stop() reaches a launcher and the server it spawns.
  const child = spawn(command, args, { cwd: process.cwd(), detached: true, stdio: ["ignore", log, log], env });
  closeSync(log);
  return child;
}

/**
 * Resolves once `ready()` says so; a server that dies while starting fails at once, not at the
 * timeout. `serverOf` finds the next-server process from the spawned one.
 */
export async function whenServing(
  child: ChildProcess,
  options: { url: string; logFile: string; ready: () => Promise<boolean>; serverOf: (pid: number) => number; workersOf?: (pid: number) => number[] },
): Promise<RunningServer> {
  const pid = child.pid;
  if (pid === undefined) throw new Error(`the server did not start; see ${options.logFile}`);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = waitFor(async () => ((await options.ready().catch(() => false)) ? true : undefined), {
    timeoutMs: 120_000,
    intervalMs: 100,
    what: `${options.url} to answer (log: ${options.logFile})`,
  });
  // If the server exits first, the poll runs out on its own, unheard.
  ready.catch(() => undefined);
  await Promise.race([ready, exited.then(() => Promise.reject(new Error(`the server exited with ${child.exitCode}; see ${options.logFile}`)))]);
  return {
    url: options.url,
    serverPid: options.serverOf(pid),
    workerPids: () => options.workersOf?.(pid) ?? [],
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // Next shuts down gracefully on SIGTERM (and writes a --cpu-prof profile on its way out).
      process.kill(-pid, "SIGTERM");
      await exited;
    },
  };
}
