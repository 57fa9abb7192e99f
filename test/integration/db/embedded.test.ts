import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { type EmbeddedPostgres, ensureEmbeddedPostgres } from "@/lib/db/embedded";
import { applyMigrations, diffSchemaAgainstMigrations } from "@/lib/db/migrate";
import { postgresOsUser } from "@/lib/db/postgres-runtime";
import { isProcessRunning } from "@/lib/db/process-state";
import { freePort } from "@/test/helpers/postgres-server";
import { waitFor } from "@/test/helpers/wait-for";

const FIXTURE = path.resolve("test/integration/db/start-embedded.fixture.ts");
const tempDirs: string[] = [];

afterAll(async () => {
  // Servers whose starter is gone (killed children) are stopped through their pid file.
  for (const dir of tempDirs) await stopServerOf(dir);
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

async function tempDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "smartcar-embedded-test-"));
  tempDirs.push(dir);
  return dir;
}

async function postmasterPid(dataDir: string): Promise<number | undefined> {
  try {
    return Number.parseInt((await readFile(path.join(dataDir, "pg", "postmaster.pid"), "utf8")).split("\n")[0] ?? "", 10);
  } catch {
    return undefined;
  }
}

async function stopServerOf(dataDir: string): Promise<void> {
  const pid = await postmasterPid(dataDir);
  if (pid === undefined || !isProcessRunning(pid, "postgres")) return;
  process.kill(pid, "SIGINT");
  await waitFor(() => (isProcessRunning(pid, "postgres") ? undefined : true), { what: `postgres ${pid} to stop` });
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function queryOne(url: string, sql: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query({ text: sql, rowMode: "array" })).rows[0]?.[0];
  } finally {
    await client.end();
  }
}

/**
 * Starts the fixture in a process group of its own, as a terminal or supervisor would run a
 * launcher; resolves with its report once the server is up.
 */
function startInChild(dataDir: string, port: number): Promise<{ child: ChildProcess; startedHere: boolean }> {
  const child = spawn(process.execPath, ["--import", "tsx", FIXTURE, dataDir, String(port)], { stdio: ["ignore", "pipe", "pipe"], detached: true });
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split("\n")[0];
      if (stdout.includes("\n") && line) {
        const report: unknown = JSON.parse(line);
        const startedHere = typeof report === "object" && report !== null && "startedHere" in report ? report.startedHere : undefined;
        if (typeof startedHere === "boolean") resolve({ child, startedHere });
        else reject(new Error(`unexpected report: ${line}`));
      }
    });
    child.once("exit", (code) => reject(new Error(`fixture exited with ${code}: ${stderr}`)));
  });
}

/** SIGKILL to the child's whole process group: what a server started without its own session would not survive. */
async function killGroup(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  process.kill(-(child.pid ?? 0), "SIGKILL");
  await exited;
}

// One cluster for the steps of a server's life, in order: first start, reuse, migrations, crash, stop.
describe("ensureEmbeddedPostgres: one cluster's life", () => {
  let dataDir = "";
  let port = 0;
  let server: EmbeddedPostgres | undefined;

  it("creates the cluster and the app database on first start", async () => {
    dataDir = await tempDataDir();
    port = await freePort();

    server = await ensureEmbeddedPostgres({ dataDir, port });

    expect(server.startedHere).toBe(true);
    expect(await queryOne(server.url, "SELECT current_database()")).toBe("smartcar");
    expect(Number(await queryOne(server.url, "SELECT current_setting('server_version_num')"))).toBeGreaterThanOrEqual(180000);
  });

  it("reuses the running server, whose stop() then leaves it running", async () => {
    const again = await ensureEmbeddedPostgres({ dataDir, port });

    expect(again.startedHere).toBe(false);
    expect(again.url).toBe(server?.url);
    await again.stop();
    expect(await answers(again.url)).toBe(true);
  });

  it("applies the migrations on PostgreSQL 18, once, and diffs them there", async () => {
    const url = server?.url ?? "";

    const first = await applyMigrations(url);
    expect(first.applied.length).toBeGreaterThan(0);
    expect(await applyMigrations(url)).toEqual({ applied: [] });
    // PostgreSQL 18 lists NOT NULLs among the constraints the engine reads back.
    expect(await diffSchemaAgainstMigrations(url)).toEqual({ inSync: true, sql: "" });
  });

  it("recovers a server killed with SIGKILL, keeping committed data", async () => {
    const url = server?.url ?? "";
    await queryOne(url, "CREATE TABLE crash_probe (note text)");
    await queryOne(url, "INSERT INTO crash_probe VALUES ('committed before the crash')");
    const killed = await postmasterPid(dataDir);
    expect(killed).toBeDefined();

    process.kill(killed ?? 0, "SIGKILL");
    await waitFor(() => (isProcessRunning(killed ?? 0) ? undefined : true), { what: "the postmaster to die" });
    expect(await answers(url)).toBe(false);

    server = await ensureEmbeddedPostgres({ dataDir, port });

    expect(server.startedHere).toBe(true);
    expect(await postmasterPid(dataDir)).not.toBe(killed);
    expect(await queryOne(server.url, "SELECT note FROM crash_probe")).toBe("committed before the crash");
    expect(await applyMigrations(server.url)).toEqual({ applied: [] });
  });

  it("stop() shuts the server down cleanly", async () => {
    await server?.stop();

    expect(await postmasterPid(dataDir)).toBeUndefined();
    expect(await answers(server?.url ?? "")).toBe(false);
    expect(await readFile(path.join(dataDir, "pg.log"), "utf8")).toMatch(/database system is shut down\n$/);
  });

  it("starts despite a stale pid file whose pid now belongs to another program", async () => {
    // Run as the server's user: PostgreSQL treats a pid it may not signal (EPERM) as stale itself.
    const user = await postgresOsUser();
    const recycled = spawn("sleep", ["60"], { uid: user?.uid, gid: user?.gid });
    try {
      const pidFile = path.join(dataDir, "pg", "postmaster.pid");
      // PostgreSQL alone would refuse: "lock file already exists … Is another postmaster running?"
      await writeFile(pidFile, `${recycled.pid}\n${path.join(dataDir, "pg")}\n0\n${port}\n\n127.0.0.1\n0 0\nready\n`);

      const restarted = await ensureEmbeddedPostgres({ dataDir, port });

      expect(restarted.startedHere).toBe(true);
      expect(await postmasterPid(dataDir)).not.toBe(recycled.pid);
      await restarted.stop();
    } finally {
      const exited = new Promise((resolve) => recycled.once("exit", resolve));
      recycled.kill("SIGKILL");
      await exited;
    }
  });
});

describe("ensureEmbeddedPostgres across processes", () => {
  it("keeps a server running after its starter's process group is SIGKILLed, and the next start reuses it", async () => {
    const dataDir = await tempDataDir();
    const port = await freePort();
    const starter = await startInChild(dataDir, port);
    expect(starter.startedHere).toBe(true);

    await killGroup(starter.child);
    const reused = await ensureEmbeddedPostgres({ dataDir, port });

    expect(reused.startedHere).toBe(false);
    expect(await queryOne(reused.url, "SELECT 1")).toBe(1);
  });

  it("breaks a start lock left behind by a starter that died holding it", async () => {
    const dataDir = await tempDataDir();
    const port = await freePort();
    const dead = spawn("true");
    await new Promise((resolve) => dead.once("exit", resolve));
    await writeFile(path.join(dataDir, "pg.lock"), `${dead.pid}\n`);

    const server = await ensureEmbeddedPostgres({ dataDir, port });

    expect(server.startedHere).toBe(true);
    await server.stop();
  });

  it("lets one of two racing starters start the server and the other reuse it", async () => {
    const dataDir = await tempDataDir();
    const port = await freePort();

    const starters = await Promise.all([startInChild(dataDir, port), startInChild(dataDir, port)]);
    await Promise.all(starters.map((s) => killGroup(s.child)));

    expect(starters.map((s) => s.startedHere).sort()).toEqual([false, true]);
    expect((await ensureEmbeddedPostgres({ dataDir, port })).startedHere).toBe(false);
  });
});

describe("ensureEmbeddedPostgres on a port another server holds", () => {
  it("refuses it instead of using that server", async () => {
    const port = await freePort();
    const other = await ensureEmbeddedPostgres({ dataDir: await tempDataDir(), port });
    try {
      await expect(ensureEmbeddedPostgres({ dataDir: await tempDataDir(), port })).rejects.toThrow(`Port ${port} is served by another PostgreSQL`);
      expect(await answers(other.url)).toBe(true);
    } finally {
      await other.stop();
    }
  });
});
