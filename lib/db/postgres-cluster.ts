import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { errorCode } from "@/lib/db/error-code";
import type { OsUser, PostgresBinaries } from "@/lib/db/postgres-runtime";
import { isProcessRunning } from "@/lib/db/process-state";

// One PostgreSQL cluster kept under the app's data dir: the cluster in `pg/` (with its superuser
// password inside, so the two can never belong to different clusters), next to it the server log
// and the start lock.
export interface ClusterPaths {
  dataDir: string;
  pgDir: string;
  passwordFile: string;
  logFile: string;
  lockFile: string;
}

const PASSWORD_FILE = "smartcar-password";
const LOG_ROTATE_BYTES = 10 * 1024 * 1024;
const STOP_TIMEOUT_MS = 30_000;
// What the server inherits from our environment: not the app's secrets, which another OS user
// could read from /proc/<pid>/environ.
const INHERITED_ENV = new Set(["PATH", "TZ", "TMPDIR"]);

function serverEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (!INHERITED_ENV.has(key)) delete env[key];
  // Messages in English whatever the machine's locale, so log tails read the same everywhere.
  env.LC_ALL = "C";
  return env;
}

export function clusterPaths(dataDir: string): ClusterPaths {
  const pgDir = path.join(dataDir, "pg");
  return {
    dataDir,
    pgDir,
    passwordFile: path.join(pgDir, PASSWORD_FILE),
    logFile: path.join(dataDir, "pg.log"),
    lockFile: path.join(dataDir, "pg.lock"),
  };
}

export function clusterExists(paths: ClusterPaths): boolean {
  return existsSync(path.join(paths.pgDir, "PG_VERSION"));
}

export async function readClusterPassword(paths: ClusterPaths): Promise<string | undefined> {
  try {
    return (await readFile(paths.passwordFile, "utf8")).trim();
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * A server running as `user` must be able to reach `pg/`. A data dir created with mode 0700
 * (mkdtemp, umask 077) gets traverse-only permission for others: no listing, and every file in
 * it keeps its own mode.
 */
export async function letServerReach(paths: ClusterPaths, user: OsUser | undefined): Promise<void> {
  if (!user) return;
  const { mode } = await stat(paths.dataDir);
  if ((mode & 0o001) === 0) await chmod(paths.dataDir, mode | 0o001);
}

/**
 * Creates the cluster with a random superuser password (scram-sha-256; the server listens on
 * 127.0.0.1 only). initdb runs in a staging directory renamed into place once it holds the
 * password too, so a process killed half-way never leaves a `pg/` that later starts would trust.
 */
export async function initCluster(paths: ClusterPaths, binaries: PostgresBinaries, user: OsUser | undefined): Promise<void> {
  await removeAbandonedStaging(paths);
  const password = randomBytes(24).toString("hex");
  const staging = `${paths.pgDir}.init-${randomBytes(4).toString("hex")}`;
  const passwordInput = `${staging}.pw`;
  try {
    await mkdir(staging, { mode: 0o700 });
    await writeFile(passwordInput, `${password}\n`, { mode: 0o600 });
    if (user) {
      await chown(staging, user.uid, user.gid);
      await chown(passwordInput, user.uid, user.gid);
    }
    await runInitdb(binaries.initdb, ["--pgdata", staging, "--username", "postgres", "--pwfile", passwordInput, "--auth", "scram-sha-256", "--encoding", "UTF8", "--no-locale"], user);
    const kept = path.join(staging, PASSWORD_FILE);
    await writeFile(kept, `${password}\n`, { mode: 0o600 });
    // Owned like every other file of the cluster, so PostgreSQL tools that read them all can.
    if (user) await chown(kept, user.uid, user.gid);
    await rename(staging, paths.pgDir);
  } finally {
    await rm(passwordInput, { force: true });
    await rm(staging, { recursive: true, force: true });
  }
}

async function removeAbandonedStaging(paths: ClusterPaths): Promise<void> {
  const prefix = `${path.basename(paths.pgDir)}.init-`;
  for (const entry of await readdir(paths.dataDir)) {
    if (entry.startsWith(prefix)) await rm(path.join(paths.dataDir, entry), { recursive: true, force: true });
  }
}

function runInitdb(initdb: string, args: string[], user: OsUser | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(initdb, args, { env: serverEnv(), uid: user?.uid, gid: user?.gid }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      const hint =
        user && (stderr.includes("Permission denied") || errorCode(error) === "EACCES")
          ? " PostgreSQL runs as the 'postgres' user here, which must be able to traverse every parent directory of the data dir and of node_modules."
          : "";
      reject(new Error(`initdb failed: ${stderr.trim() || error.message}.${hint}`, { cause: error }));
    });
  });
}

export interface PostmasterInfo {
  pid: number;
  port: number;
}

/**
 * The postmaster that owns the cluster according to postmaster.pid, if it is alive. A pid file
 * left by a killed server is removed: PostgreSQL would remove it itself, except when the pid has
 * since been reused by another process, which it then mistakes for a running postmaster.
 */
export async function livePostmaster(paths: ClusterPaths): Promise<PostmasterInfo | undefined> {
  const pidFile = path.join(paths.pgDir, "postmaster.pid");
  let lines: string[];
  try {
    lines = (await readFile(pidFile, "utf8")).split("\n");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw error;
  }
  // Line 1 is the pid, line 4 the port (PostgreSQL's pidfile.h).
  const pid = Number.parseInt(lines[0] ?? "", 10);
  const port = Number.parseInt(lines[3] ?? "", 10);
  if (Number.isInteger(pid) && isProcessRunning(pid, "postgres")) return { pid, port };
  await rm(pidFile, { force: true });
  return undefined;
}

// sockaddr_un holds 107 bytes of path; a longer data directory gets TCP only.
const MAX_SOCKET_PATH = 107;

/**
 * Where the server also listens on a Unix socket: its own data directory (private to its OS
 * user). The app talks to it there — a query over a local socket costs the app about a quarter
 * less CPU than over TCP loopback — while CLIs and other tools keep 127.0.0.1:port.
 */
export function socketDirectory(paths: ClusterPaths, port: number): string | undefined {
  return socketFile(paths.pgDir, port).length <= MAX_SOCKET_PATH ? paths.pgDir : undefined;
}

export function socketFile(directory: string, port: number): string {
  return path.join(directory, `.s.PGSQL.${port}`);
}

/**
 * Starts the server in its own session with output to pg.log, so it outlives this process
 * (a launcher killed with SIGKILL, a Ctrl-C to the terminal's process group) and the next
 * start reuses it instead of recovering it.
 */
export async function startPostmaster(paths: ClusterPaths, binaries: PostgresBinaries, user: OsUser | undefined, port: number): Promise<ChildProcess> {
  await rotateLog(paths.logFile);
  const log = await open(paths.logFile, "a");
  try {
    const child = spawn(
      binaries.postgres,
      ["-D", paths.pgDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${socketDirectory(paths, port) ?? ""}`],
      { detached: true, stdio: ["ignore", log.fd, log.fd], env: serverEnv(), uid: user?.uid, gid: user?.gid },
    );
    const spawnError = await new Promise<Error | undefined>((resolve) => {
      child.once("error", resolve);
      child.once("spawn", () => resolve(undefined));
    });
    if (spawnError) throw new Error(`Could not run ${binaries.postgres}: ${spawnError.message}`, { cause: spawnError });
    child.unref();
    return child;
  } finally {
    await log.close();
  }
}

async function rotateLog(logFile: string): Promise<void> {
  try {
    if ((await stat(logFile)).size > LOG_ROTATE_BYTES) await rename(logFile, `${logFile}.1`);
  } catch (error) {
    if (errorCode(error) !== "ENOENT") throw error;
  }
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Fast shutdown (SIGINT): ends sessions, writes a checkpoint, removes postmaster.pid. */
export async function stopPostmaster(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGINT");
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`PostgreSQL (pid ${child.pid}) did not stop within ${STOP_TIMEOUT_MS} ms`)), STOP_TIMEOUT_MS);
  });
  try {
    await Promise.race([exited, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

export async function logTail(paths: ClusterPaths, lines = 15): Promise<string> {
  try {
    return (await readFile(paths.logFile, "utf8")).trimEnd().split("\n").slice(-lines).join("\n");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return "(no server log)";
    throw error;
  }
}
