import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, TEST_TOKEN, type RunningApp } from "../helpers/app";
import { freePort } from "../helpers/postgres-server";
import { fixtureBytes, postWebhook } from "../helpers/smartcar";
import { waitFor } from "../helpers/wait-for";

// `npm start` with nothing configured but the management token: embedded Postgres in the data
// dir, embedded queue, generated secrets — the README's quick start, end to end.
let dataDir: string;
let env: Record<string, string | undefined>;
let app: RunningApp | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "smartcar-start-"));
  env = { DATABASE_URL: undefined, EMBEDDED_PG_PORT: String(await freePort()) };
});

afterAll(async () => {
  await app?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function tokenCli(args: string[]): string {
  const result = spawnSync(path.join("node_modules", ".bin", "tsx"), ["scripts/token.ts", ...args], {
    env: { ...process.env, ...env, DATA_DIR: dataDir, LOG_LEVEL: "silent" },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`token ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout.trim().split("\n").at(-1) ?? "";
}

describe("npm start on embedded defaults", () => {
  it("serves health in embedded modes and keeps generated secrets private", async () => {
    app = await startApp({ databaseUrl: "", dataDir, env });
    const health = await (await fetch(`${app.url}/api/health`)).json();
    expect(health).toEqual({ status: "ok", database: { mode: "embedded", ok: true }, queue: { mode: "embedded" } });
    expect(statSync(path.join(dataDir, "auth-secret")).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dataDir, "inngest-signing-key")).mode & 0o777).toBe(0o600);
  });

  it("processes a signed fixture, readable through /api/v1 with a CLI-made token", async () => {
    if (!app) throw new Error("app not started");
    const res = await postWebhook(app.url, fixtureBytes("vehicle-state.docs-shape.json"));
    expect(res.status).toBe(200);
    const token = tokenCli(["create", "--name", "quickstart", "--role", "viewer"]);
    expect(token).toMatch(/^sct_[A-Za-z0-9_-]{43}$/);
    const url = `${app.url}/api/v1/events/5d0a2291-b441-4092-ac66-c12ca2840a28`;
    const event = await waitFor(
      async () => {
        const body = (await (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).json()) as { status?: string };
        return body.status === "PROCESSED" ? body : undefined;
      },
      { what: "the fixture to be processed" },
    );
    expect(event).toMatchObject({ eventType: "VEHICLE_STATE", outcome: "APPLIED", signals: { applied: 14, stale: 0, failed: 0 } });

    // The pipeline's JSON log lines name ids, never the token or the payload.
    const output = app.output();
    for (const line of ["webhook.received", "processing.completed"]) expect(output).toContain(`"msg":"${line}"`);
    expect(output).toContain('"eventId":"5d0a2291-b441-4092-ac66-c12ca2840a28"');
    expect(output).not.toContain(TEST_TOKEN);
    expect(output).not.toContain("tractionbattery-stateofcharge");
  });

  it("survives a SIGKILL of the app: the restart reuses the embedded database and its data", async () => {
    if (!app) throw new Error("app not started");
    await app.kill();
    app = await startApp({ databaseUrl: "", dataDir, env });
    const token = tokenCli(["create", "--name", "after-restart", "--role", "viewer"]);
    const res = await fetch(`${app.url}/api/v1/events/5d0a2291-b441-4092-ac66-c12ca2840a28`, { headers: { authorization: `Bearer ${token}` } });
    expect(await res.json()).toMatchObject({ status: "PROCESSED" });
  });
});

describe("npm start without a management token", () => {
  it("warns at start-up and answers webhooks 503 TOKEN_NOT_CONFIGURED", async () => {
    const bare = await startApp({ databaseUrl: "", dataDir, env: { ...env, SMARTCAR_MANAGEMENT_TOKEN: undefined, SMARTCAR_MANAGEMENT_TOKEN_PREVIOUS: undefined } });
    try {
      expect(bare.output()).toContain("SMARTCAR_MANAGEMENT_TOKEN is not set");
      const res = await postWebhook(bare.url, fixtureBytes("vehicle-state.docs-shape.json"));
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ error: { code: "TOKEN_NOT_CONFIGURED" } });
      const verify = await postWebhook(bare.url, fixtureBytes("verify.json"), { signature: null });
      expect(verify.status).toBe(503);
    } finally {
      await bare.stop();
    }
  });
});
