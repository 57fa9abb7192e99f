import { randomBytes, randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startApp, type RunningApp } from "../../helpers/app";
import { freePort } from "../../helpers/postgres-server";
import { vehicleState } from "../../helpers/events";
import { signInOverHttp } from "../../helpers/session";
import { postWebhook } from "../../helpers/smartcar";
import { waitFor } from "../../helpers/wait-for";
import { insertApiToken } from "../dashboard/helpers";

// No secret in logs, error bodies or what browsers are sent (issue 5, Security). The app runs on
// secrets made up for this run — management tokens, AUTH_SECRET, the admin password, the
// database password, METRICS_TOKEN, the alert webhook URL, API tokens, and the executor signing
// key the launcher generates — and is driven through sign-ins, good and bad signatures and
// error paths. Then every response body, the app's whole captured stdout/stderr and the build
// it runs (NEXT_DIST_DIR: static chunks, prerendered pages, client manifests) are searched for
// each value. Nothing is built here: the build is the one every integration test runs against.

const distDir = path.join(process.cwd(), process.env.NEXT_DIST_DIR || ".next");
const made = (label: string) => `${label}-${randomBytes(18).toString("base64url")}`;

const SECRETS = {
  managementToken: made("mgmt"),
  previousManagementToken: made("mgmt-prev"),
  authSecret: made("auth"),
  adminPassword: made("admin-pw"),
  databasePassword: made("dbpw"),
  metricsToken: made("metrics"),
  alertWebhookPath: made("hook"),
};
const ADMIN_EMAIL = "admin@secrets.test";

let admin: pg.Client;
let roleName = "";
let databaseName = "";
let app: RunningApp;
let alertWebhookUrl = "";
/** Values that must appear nowhere, by name; API tokens and the signing key join once known. */
const secretValues = new Map<string, string>();
/** Every response body the run received, by request. */
const bodies: { what: string; text: string }[] = [];

beforeAll(async () => {
  const adminUrl = inject("pgAdminUrl");
  admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  // A role of its own, so DATABASE_URL carries a password of this run (the machine's server may
  // trust local connections; the password still travels in the URL the app is given).
  const suffix = randomBytes(6).toString("hex");
  roleName = `secrets_role_${suffix}`;
  databaseName = `secrets_test_${suffix}`;
  await admin.query(`CREATE ROLE ${roleName} LOGIN PASSWORD '${SECRETS.databasePassword}'`);
  await admin.query(`CREATE DATABASE ${databaseName} OWNER ${roleName}`);
  const databaseUrl = new URL(adminUrl);
  databaseUrl.username = roleName;
  databaseUrl.password = SECRETS.databasePassword;
  databaseUrl.pathname = `/${databaseName}`;
  // Nothing listens there: a notification attempt fails, and its failure is logged.
  alertWebhookUrl = `http://127.0.0.1:${await freePort()}/${SECRETS.alertWebhookPath}`;

  app = await startApp({
    databaseUrl: databaseUrl.toString(),
    env: {
      SMARTCAR_MANAGEMENT_TOKEN: SECRETS.managementToken,
      SMARTCAR_MANAGEMENT_TOKEN_PREVIOUS: SECRETS.previousManagementToken,
      AUTH_SECRET: SECRETS.authSecret,
      ADMIN_EMAIL,
      ADMIN_PASSWORD: SECRETS.adminPassword,
      METRICS_TOKEN: SECRETS.metricsToken,
      ALERT_WEBHOOK_URL: alertWebhookUrl,
      ALERT_SIGNATURE_FAILURES: "1",
      // Debug: the most a deployment would ever log.
      LOG_LEVEL: "debug",
    },
  });
  for (const [name, value] of Object.entries(SECRETS)) secretValues.set(name, value);
  secretValues.set("databaseUrl", databaseUrl.toString());
  secretValues.set("alertWebhookUrl", alertWebhookUrl);
  const signingKey = readFileSync(path.join(app.dataDir, "inngest-signing-key"), "utf8").trim();
  secretValues.set("executorSigningKey", signingKey);
  // The SDK signs with the key's hex part: that alone must not leak either.
  secretValues.set("executorSigningKeyHex", signingKey.replace(/^signkey-[a-z]+-/, ""));
  await exercise(databaseUrl.toString());
  // Logs are written asynchronously: stopping the app flushes them.
  await app.stop();
}, 240_000);

afterAll(async () => {
  await app?.stop();
  await admin?.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  await admin?.query(`DROP ROLE IF EXISTS ${roleName}`);
  await admin?.end();
});

async function record(what: string, response: Promise<Response>): Promise<Response> {
  const answer = await response;
  bodies.push({ what: `${what} → ${answer.status}`, text: await answer.clone().text() });
  return answer;
}

/** Real use: sign-ins, webhooks good and bad, API calls right and wrong, pages, a dead letter. */
async function exercise(databaseUrl: string): Promise<void> {
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  try {
    const tokens = { viewer: await insertApiToken(db, "viewer"), support: await insertApiToken(db, "support"), admin: await insertApiToken(db, "admin") };
    for (const [role, token] of Object.entries(tokens)) secretValues.set(`${role}ApiToken`, token);
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

    const refused = await signInOverHttp(app.url, { email: ADMIN_EMAIL, password: `${SECRETS.adminPassword}-wrong` }, "203.0.113.7");
    expect(refused.cookie).toBeNull();
    const { cookie } = await signInOverHttp(app.url, { email: ADMIN_EMAIL, password: SECRETS.adminPassword }, "203.0.113.8");
    expect(cookie).not.toBeNull();
    const session = { cookie: cookie ?? "" };

    const good = vehicleState(randomUUID(), [{ code: "tractionbattery-stateofcharge", value: 64, unit: "percent", oemUpdatedAt: Date.now() }]);
    expect((await record("signed webhook", postWebhook(app.url, good, { token: SECRETS.managementToken }))).status).toBe(200);
    expect((await record("webhook signed with the previous token", postWebhook(app.url, vehicleState(randomUUID(), []), { token: SECRETS.previousManagementToken }))).status).toBe(200);
    expect((await record("bad signature", postWebhook(app.url, good, { token: "not-the-token" }))).status).toBe(401);
    expect((await record("no signature", postWebhook(app.url, good, { signature: null }))).status).toBe(401);
    expect((await record("signed, not JSON", postWebhook(app.url, "{oops", { token: SECRETS.managementToken }))).status).toBe(400);
    const challenge = JSON.stringify({ eventId: randomUUID(), eventType: "VERIFY", data: { challenge: "abc-123" } });
    expect((await record("verify", postWebhook(app.url, challenge, { signature: null }))).status).toBe(200);
    // No vehicle id anywhere: processing dead-letters it, an error path with its own log lines.
    const orphan = await record(
      "orphan event",
      postWebhook(app.url, JSON.stringify({ eventId: randomUUID(), eventType: "VEHICLE_STATE", data: { signals: [] }, meta: { mode: "LIVE" } }), { token: SECRETS.managementToken }),
    );
    const { eventId } = (await orphan.clone().json()) as { eventId: string };
    await waitFor(
      async () => ((await db.query("SELECT 1 FROM event WHERE event_id = $1 AND status = 'DEAD_LETTERED'", [eventId])).rowCount === 1 ? true : undefined),
      { what: "the orphan event to be dead-lettered" },
    );

    const get = (what: string, pathname: string, headers: Record<string, string> = {}) => record(what, fetch(`${app.url}${pathname}`, { headers, redirect: "manual" }));
    expect((await get("events with a bad limit", "/api/v1/events?limit=lots", bearer(tokens.viewer))).status).toBe(400);
    expect((await get("unknown event", "/api/v1/events/no-such-event", bearer(tokens.viewer))).status).toBe(404);
    expect((await get("unknown token", "/api/v1/events", bearer("sct_not-a-token"))).status).toBe(401);
    expect((await get("audit as viewer", "/api/v1/audit", bearer(tokens.viewer))).status).toBe(403);
    expect((await get("audit as admin", "/api/v1/audit", bearer(tokens.admin))).status).toBe(200);
    expect((await get("metrics", "/api/metrics", bearer(SECRETS.metricsToken))).status).toBe(200);
    expect((await get("deep health", "/api/health?deep=1")).status).toBe(200);
    const released = await record("release of the unsigned rejection", releaseNewestRejection(db, tokens.support));
    expect(released.status).toBe(409);
    expect((await record("cross-site re-drive", fetch(`${app.url}/api/v1/events/${eventId}/redrive`, { method: "POST", headers: { ...session, origin: "https://evil.example" } }))).status).toBe(403);
    for (const page of ["/", "/events", `/events/${eventId}`, "/dead-letters", "/rejections", "/admin/tokens", "/admin/users", "/alerts"]) {
      expect((await get(`page ${page}`, page, session)).status).toBe(200);
    }
    expect((await get("login page", "/login")).status).toBe(200);
  } finally {
    await db.end();
  }
}

async function releaseNewestRejection(db: pg.Pool, supportToken: string): Promise<Response> {
  const { rows } = await db.query<{ id: string }>("SELECT id::text AS id FROM rejected_delivery WHERE reason = 'SIGNATURE_MISSING' ORDER BY id DESC LIMIT 1");
  return fetch(`${app.url}/api/v1/rejections/${rows[0]?.id}/release`, { method: "POST", headers: { authorization: `Bearer ${supportToken}` } });
}

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else yield full;
  }
}

/** Everything of the build that reaches a browser: client chunks and CSS, prerendered pages and RSC payloads, client manifests. */
function browserFacingBuildFiles(): string[] {
  const server = [...files(path.join(distDir, "server"))].filter((f) => /client-reference-manifest|\.(html|rsc|body)$/.test(f));
  return [...files(path.join(distDir, "static")), ...server];
}

function leaks(text: string, values: Map<string, string>): string[] {
  return [...values].filter(([, value]) => text.includes(value)).map(([name]) => name);
}

describe("secrets", () => {
  it("ran the app on every secret, and exercised it enough for logs and bodies to say something", () => {
    expect([...secretValues.keys()].sort()).toEqual(
      [
        "adminApiToken",
        "adminPassword",
        "alertWebhookPath",
        "alertWebhookUrl",
        "authSecret",
        "databasePassword",
        "databaseUrl",
        "executorSigningKey",
        "executorSigningKeyHex",
        "managementToken",
        "metricsToken",
        "previousManagementToken",
        "supportApiToken",
        "viewerApiToken",
      ].sort(),
    );
    const log = app.output();
    // Lines from sign-in, the receiver's refusals, processing's dead letter and the request errors.
    for (const line of ["auth.", "SIGNATURE_MISMATCH", "NO_VEHICLE_ID"]) expect(log, `a log line mentioning ${line}`).toContain(line);
    expect(bodies.length).toBeGreaterThan(20);
  });

  it("never appear in the app's logs", () => {
    expect(leaks(app.output(), secretValues)).toEqual([]);
  });

  it("never appear in a response body: errors, pages, API answers", () => {
    const found = bodies.flatMap(({ what, text }) => leaks(text, secretValues).map((name) => `${name} in ${what}`));
    expect(found).toEqual([]);
  });

  it("never appear in what the build sends to browsers — nor do the build's own keys or the server's configuration", () => {
    const buildFiles = browserFacingBuildFiles();
    expect(buildFiles.filter((f) => f.endsWith(".js")).length).toBeGreaterThan(10);
    // Made at build time and needed only by the server: the server actions' encryption key and
    // the preview-mode keys.
    const manifest = JSON.parse(readFileSync(path.join(distDir, "server", "server-reference-manifest.json"), "utf8")) as { encryptionKey: string };
    const preview = JSON.parse(readFileSync(path.join(distDir, "server", "preview-props.json"), "utf8")) as Record<string, string>;
    const buildSecrets = new Map([
      ["serverActionsEncryptionKey", manifest.encryptionKey],
      ["previewModeSigningKey", preview.previewModeSigningKey ?? ""],
      ["previewModeEncryptionKey", preview.previewModeEncryptionKey ?? ""],
    ]);
    for (const [name, value] of buildSecrets) expect(value.length, name).toBeGreaterThan(16);
    // A secret's variable name in a client chunk means lib/config.ts was bundled for the browser.
    const configNames = new Map(
      ["SMARTCAR_MANAGEMENT_TOKEN", "AUTH_SECRET", "DATABASE_URL", "METRICS_TOKEN", "ADMIN_PASSWORD", "INNGEST_SIGNING_KEY", "INNGEST_EVENT_KEY", "ALERT_WEBHOOK_URL"].map((n) => [`config name ${n}`, n]),
    );
    const everything = new Map([...secretValues, ...buildSecrets, ...configNames]);
    const found = buildFiles.flatMap((file) => leaks(readFileSync(file, "utf8"), everything).map((name) => `${name} in ${path.relative(distDir, file)}`));
    expect(found).toEqual([]);
  });
});
