import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../helpers/postgres-server";
import { signInOverHttp } from "../../helpers/session";
import { fixtureBytes, postWebhook } from "../../helpers/smartcar";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";
import { waitFor } from "../../helpers/wait-for";

// `npm run demo` as a new user runs it (on a test database instead of the embedded one, to keep
// the run short): the app comes up, the simulated hour fills it, the dashboard's API shows the
// fleet within a minute, the generated token is the one the simulator signed with, and Ctrl-C
// stops everything.
let database: TestDatabase;
let dataDir: string;

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = mkdtempSync(path.join(os.tmpdir(), "smartcar-demo-"));
});

afterAll(async () => {
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

describe("npm run demo", () => {
  it("serves a populated dashboard within a minute, signed with its own shared token, and stops cleanly on Ctrl-C", { timeout: 150_000 }, async () => {
    const port = await freePort();
    const url = `http://localhost:${port}`;
    const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
    const started = Date.now();
    // Its own process group, as a terminal's foreground job: Ctrl-C signals the whole group.
    const demo = spawn(tsx, ["scripts/demo.ts"], {
      cwd: process.cwd(),
      env: { NODE_ENV: "production", PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), DATA_DIR: dataDir, DATABASE_URL: database.url, NEXT_DIST_DIR: process.env.NEXT_DIST_DIR },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    demo.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    demo.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => demo.once("exit", (code) => resolve(code)));
    const ctrlC = () => {
      if (demo.pid !== undefined && demo.exitCode === null) process.kill(-demo.pid, "SIGINT");
    };
    const exitWithin = (ms: number) => Promise.race([exited, new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), ms))]);

    try {
      // The demo prints the dashboard's address once the simulated hour is in.
      await waitFor(() => (output.includes(`Dashboard: ${url}`) ? true : undefined), { timeoutMs: 60_000, intervalMs: 200, what: `the demo to finish filling the app:\n${output}` });
      expect(output).toMatch(/unexpected answers 0\b/);
      const accepted = Number(/^\s+accepted\s+(\d+)$/m.exec(output)?.[1]);
      expect(accepted).toBeGreaterThan(100);
      expect(output).not.toContain("TOKEN_NOT_CONFIGURED");

      // Sign in as the README says: the first admin's generated password is in the data dir.
      const credentials = readFileSync(path.join(dataDir, "initial-admin.txt"), "utf8");
      const email = /^email: (.+)$/m.exec(credentials)?.[1] ?? "";
      const password = /^password: (.+)$/m.exec(credentials)?.[1] ?? "";
      const { cookie } = await signInOverHttp(url, { email, password }, "203.0.113.50");
      expect(cookie).not.toBeNull();
      const overview = await waitFor(
        async () => {
          const res = await fetch(`${url}/api/v1/overview`, { headers: { cookie: cookie ?? "" } });
          const body = (await res.json()) as { totals: { processed: number; received: number }; vehicles: { total: number }; backlog: { pending: number } };
          // Processed counts reach the rollups up to a second after the events (lib/stats/processing-stats.ts).
          return body.vehicles.total > 0 && body.totals.processed >= accepted && body.backlog.pending === 0 ? body : undefined;
        },
        { timeoutMs: Math.max(1_000, 60_000 - (Date.now() - started)), intervalMs: 250, what: "a populated, worked-off dashboard within a minute of `npm run demo`" },
      );
      const populatedAfterS = Math.round((Date.now() - started) / 1000);
      expect(overview.vehicles.total).toBe(20);
      expect(statSync(path.join(dataDir, "demo.log")).size).toBeGreaterThan(0);

      // The token the simulator signed with is in the data dir, where `npm run simulate` finds it.
      const token = readFileSync(path.join(dataDir, "demo-token"), "utf8").trim();
      expect(token.length).toBeGreaterThan(20);
      expect((await postWebhook(url, fixtureBytes("vehicle-state.docs-shape.json"), { token })).status).toBe(200);
      expect((await postWebhook(url, fixtureBytes("vehicle-error.compatibility.json"), { token: "not-the-demo-token" })).status).toBe(401);

      ctrlC();
      expect(await exitWithin(30_000)).toBe(0);
      expect(output).toContain("Stopping…");
      // The app went with it: nothing answers on its port any more.
      expect(await portIsFree(port)).toBe(true);
      expect(await fetch(`${url}/api/health`).then(() => "answered", () => "refused")).toBe("refused");
      console.log(`demo: dashboard populated after ${populatedAfterS} s: ${overview.vehicles.total} vehicles, ${overview.totals.processed} events processed`);
    } finally {
      // A failed run must not leave the app behind: the demo stops it on SIGINT.
      ctrlC();
      if ((await exitWithin(30_000)) === "still running" && demo.pid !== undefined) process.kill(-demo.pid, "SIGKILL");
    }
  });
});
