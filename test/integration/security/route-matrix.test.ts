import { randomBytes } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditActor } from "@/lib/audit";
import { hasRole, type Role } from "@/lib/auth/roles";
import { startApp, type RunningApp } from "../../helpers/app";
import { enumerateAppRoutes, enumerateServerActions } from "../../helpers/app-routes";
import { testPool } from "../../helpers/db-client";
import { vehicleState } from "../../helpers/events";
import { actionResult, callAction, pagePattern, readActionManifest, type ActionAnswer, type ManifestAction } from "../../helpers/server-actions";
import { mintSessionCookie } from "../../helpers/session";
import { postWebhook } from "../../helpers/smartcar";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database";
import { insertApiToken } from "../dashboard/helpers";

// The allowed/denied matrix (API.md §5): every /api/v1 endpoint, every page, /api/health,
// /api/metrics and every server action, as anonymous, viewer, support and admin — with session
// cookies and with Bearer tokens — against `next start`. The list of what exists is read from
// app/ and from the build's server-action manifest at test time: a route or action the matrix
// does not describe fails the first test, so whoever adds one must decide who may use it.

const AUTH_SECRET = randomBytes(32).toString("base64url");
const ADMIN = { email: "admin@matrix.test", password: "matrix-admin-password-01" };
const actor: AuditActor = { type: "system", name: "route-matrix" };

interface Credential {
  /** Also the suffix of the resources this credential's requests act on. */
  name: string;
  role: Role | null;
  kind: "anonymous" | "session" | "token";
}

const CREDENTIALS: Credential[] = [
  { name: "anonymous", role: null, kind: "anonymous" },
  { name: "viewer-session", role: "viewer", kind: "session" },
  { name: "support-session", role: "support", kind: "session" },
  { name: "admin-session", role: "admin", kind: "session" },
  { name: "viewer-token", role: "viewer", kind: "token" },
  { name: "support-token", role: "support", kind: "token" },
  { name: "admin-token", role: "admin", kind: "token" },
];

/** A session cookie without this site's Origin: what a cross-site form post carries. */
const CROSS_SITE: { name: string; origin: string | null }[] = [
  { name: "admin-session-no-origin", origin: null },
  { name: "admin-session-foreign-origin", origin: "https://evil.example" },
];

let database: TestDatabase;
let db: pg.Pool;
let app: RunningApp;
let actions: ManifestAction[];
const secrets = new Map<string, string>();

// ---------------------------------------------------------------------------------------------
// The matrix. `role`: the least role allowed; `public`: the same answer whoever asks.

type Access = { role: Role; status: number } | { public: number };

interface Endpoint {
  access: Access;
  path: (who: string) => string;
  body?: (who: string) => unknown;
}

const EVENT = "ev-matrix";
const VEHICLE = "veh-matrix";
let jobId = "";
let rejectionId = "";
// Resolved, so its answer cannot change under the test when the alert cron runs meanwhile.
let alertId = "";

const ENDPOINTS: Record<string, Endpoint> = {
  "GET /api/v1/alerts": { access: { role: "viewer", status: 200 }, path: () => "/api/v1/alerts" },
  // A resolved alert: 409 CONFLICT proves the role let the request through.
  "POST /api/v1/alerts/[alertId]/ack": { access: { role: "support", status: 409 }, path: () => `/api/v1/alerts/${alertId}/ack` },
  "GET /api/v1/audit": { access: { role: "admin", status: 200 }, path: () => "/api/v1/audit" },
  "GET /api/v1/errors": { access: { role: "viewer", status: 200 }, path: () => "/api/v1/errors" },
  "GET /api/v1/events": { access: { role: "viewer", status: 200 }, path: () => "/api/v1/events" },
  "GET /api/v1/events/[eventId]": { access: { role: "viewer", status: 200 }, path: () => `/api/v1/events/${EVENT}` },
  "GET /api/v1/events/[eventId]/attempts": { access: { role: "viewer", status: 200 }, path: () => `/api/v1/events/${EVENT}/attempts` },
  "GET /api/v1/events/[eventId]/deliveries": { access: { role: "viewer", status: 200 }, path: () => `/api/v1/events/${EVENT}/deliveries` },
  "GET /api/v1/events/[eventId]/signals": { access: { role: "viewer", status: 200 }, path: () => `/api/v1/events/${EVENT}/signals` },
  // Each credential re-drives its own dead letter: 202 once, and a refusal leaves it untouched.
  "POST /api/v1/events/[eventId]/redrive": { access: { role: "support", status: 202 }, path: (who) => `/api/v1/events/dl-api-${who}/redrive`, body: () => ({}) },
  "GET /api/v1/overview": { access: { role: "viewer", status: 200 }, path: () => "/api/v1/overview" },
  "POST /api/v1/redrive": { access: { role: "support", status: 200 }, path: () => "/api/v1/redrive", body: () => ({ vehicleId: VEHICLE, dryRun: true }) },
  "GET /api/v1/redrive/[jobId]": { access: { role: "support", status: 200 }, path: () => `/api/v1/redrive/${jobId}` },
  "GET /api/v1/rejections": { access: { role: "support", status: 200 }, path: () => "/api/v1/rejections" },
  "GET /api/v1/rejections/[rejectionId]": { access: { role: "support", status: 200 }, path: () => `/api/v1/rejections/${rejectionId}` },
  // Unsigned, so it never verifies: 409 SIGNATURE_MISMATCH proves the role let the request through.
  "POST /api/v1/rejections/[rejectionId]/release": { access: { role: "support", status: 409 }, path: () => `/api/v1/rejections/${rejectionId}/release` },
  "GET /api/v1/vehicles": { access: { role: "viewer", status: 200 }, path: () => "/api/v1/vehicles" },
  "GET /api/v1/vehicles/[vehicleId]": { access: { role: "viewer", status: 200 }, path: () => `/api/v1/vehicles/${VEHICLE}` },
  "GET /api/v1/vehicles/[vehicleId]/history": {
    access: { role: "viewer", status: 200 },
    path: () => `/api/v1/vehicles/${VEHICLE}/history?signal=tractionbattery-stateofcharge`,
  },
  "GET /api/health": { access: { public: 200 }, path: () => "/api/health" },
  // An admin's credentials (or METRICS_TOKEN, tested in observability/metrics.test.ts).
  "GET /api/metrics": { access: { role: "admin", status: 200 }, path: () => "/api/metrics" },
  // Not role-gated: next-auth's own endpoints, the Inngest endpoint (its own request signatures)
  // and the receiver (Smartcar's signature). A session or token changes nothing there.
  "GET /api/auth/[...nextauth]": { access: { public: 200 }, path: () => "/api/auth/csrf" },
  "POST /api/auth/[...nextauth]": { access: { public: 302 }, path: () => "/api/auth/signout" },
  "GET /api/inngest": { access: { public: 401 }, path: () => "/api/inngest" },
  "POST /api/inngest": { access: { public: 401 }, path: () => "/api/inngest?fnId=smartcar-monitor-process-smartcar-event", body: () => ({}) },
  "PUT /api/inngest": { access: { public: 401 }, path: () => "/api/inngest" },
  "POST /api/webhooks/smartcar": { access: { public: 401 }, path: () => "/api/webhooks/smartcar", body: () => ({ eventId: "unsigned" }) },
};

const PAGES: Record<string, { access: Access; path: string }> = {
  "/": { access: { role: "viewer", status: 200 }, path: "/" },
  "/events": { access: { role: "viewer", status: 200 }, path: "/events" },
  "/events/[eventId]": { access: { role: "viewer", status: 200 }, path: `/events/${EVENT}` },
  "/vehicles": { access: { role: "viewer", status: 200 }, path: "/vehicles" },
  "/vehicles/[vehicleId]": { access: { role: "viewer", status: 200 }, path: `/vehicles/${VEHICLE}` },
  "/errors": { access: { role: "viewer", status: 200 }, path: "/errors" },
  "/alerts": { access: { role: "viewer", status: 200 }, path: "/alerts" },
  "/dead-letters": { access: { role: "viewer", status: 200 }, path: "/dead-letters" },
  "/rejections": { access: { role: "support", status: 200 }, path: "/rejections" },
  "/admin/audit": { access: { role: "admin", status: 200 }, path: "/admin/audit" },
  "/admin/tokens": { access: { role: "admin", status: 200 }, path: "/admin/tokens" },
  "/admin/users": { access: { role: "admin", status: 200 }, path: "/admin/users" },
  // Signed-in users are sent on to the overview; everyone else gets the form.
  "/login": { access: { public: 200 }, path: "/login" },
};

interface Action {
  role: Role | "public";
  /** The form the page would send, for the credential `who`. */
  fields: (who: string) => [string, string][];
  /** What an allowed call must have done (its result and its effect in the database). */
  allowed: (answer: ActionAnswer, who: string) => Promise<void>;
}

const USER_PASSWORD = "matrix-user-password-0001";

const ACTIONS: Record<string, Action> = {
  "app/(dashboard)/_actions/redrive-event.ts#redriveEventAction": {
    role: "support",
    fields: (who) => [["eventId", `dl-act-${who}`]],
    allowed: async (answer, who) => {
      expect(actionResult(answer)).toMatchObject({ ok: true, message: expect.stringMatching(/^Re-drive #1 queued/) });
      expect(await redrives(`dl-act-${who}`)).toBe(1);
    },
  },
  "app/(dashboard)/_actions/count-redrivable.ts#countRedrivableAction": {
    role: "support",
    fields: () => [["vehicleId", "veh-count"]],
    allowed: async (answer) => expect(actionResult(answer)).toEqual({ ok: true, message: "1 dead-lettered event matches this filter." }),
  },
  // Both bulk re-drives redirect from inside the authorized frame to the job they started.
  "app/(dashboard)/_actions/start-bulk-redrive.ts#startBulkRedriveAction": {
    role: "support",
    fields: (who) => [["vehicleId", `veh-bulk-${who}`]],
    allowed: async (answer, who) => {
      const job = answer.redirect?.match(new RegExp(`/dead-letters\\?vehicleId=veh-bulk-${who}&job=([0-9a-f-]{36});`))?.[1];
      expect(job, `redirect of ${answer.redirect}`).toBeDefined();
      expect(await jobEvents(job ?? "")).toEqual([`dl-bulk-${who}`]);
    },
  },
  "app/(dashboard)/_actions/redrive-selected.ts#redriveSelectedAction": {
    role: "support",
    fields: (who) => [
      ["eventId", `dl-sel-${who}-a`],
      ["eventId", `dl-sel-${who}-b`],
      ["type", "VEHICLE_STATE"],
    ],
    allowed: async (answer, who) => {
      const job = answer.redirect?.match(/\/dead-letters\?type=VEHICLE_STATE&job=([0-9a-f-]{36});/)?.[1];
      expect(job, `redirect of ${answer.redirect}`).toBeDefined();
      // ONE job holding the whole selection, not a re-drive per event.
      expect(await jobEvents(job ?? "")).toEqual([`dl-sel-${who}-a`, `dl-sel-${who}-b`]);
      const { rows } = await db.query("SELECT count(*)::int AS n FROM redrive_job WHERE $1 = ANY(event_ids)", [`dl-sel-${who}-a`]);
      expect(rows[0]?.n).toBe(1);
    },
  },
  "app/(dashboard)/_actions/release-rejection.ts#releaseRejectionAction": {
    role: "support",
    fields: () => [["rejectionId", rejectionId]],
    allowed: async (answer) => expect(actionResult(answer)).toMatchObject({ ok: false, message: expect.stringMatching(/verif/i) }),
  },
  "app/(dashboard)/_actions/acknowledge-alert.ts#acknowledgeAlertAction": {
    role: "support",
    fields: () => [["alertId", alertId]],
    allowed: async (answer) => expect(actionResult(answer)).toMatchObject({ ok: false, message: expect.stringContaining("already resolved") }),
  },
  "lib/actions/create-token.ts#createTokenAction": {
    role: "admin",
    fields: (who) => [
      ["name", `created-${who}`],
      ["role", "viewer"],
    ],
    allowed: async (answer, who) => {
      expect(actionResult(answer)).toMatchObject({ ok: true, secret: expect.stringMatching(/^sct_/) });
      expect(await tokenState(`created-${who}`)).toBe("active");
    },
  },
  "lib/actions/revoke-token.ts#revokeTokenAction": {
    role: "admin",
    fields: (who) => [["name", `revoke-${who}`]],
    allowed: async (answer, who) => {
      expect(actionResult(answer)).toEqual({ ok: true, message: `Revoked "revoke-${who}".` });
      expect(await tokenState(`revoke-${who}`)).toBe("revoked");
    },
  },
  "lib/actions/add-user.ts#addUserAction": {
    role: "admin",
    fields: (who) => [
      ["email", `added-${who}@matrix.test`],
      ["role", "viewer"],
      ["password", USER_PASSWORD],
    ],
    allowed: async (answer, who) => {
      expect(actionResult(answer)).toMatchObject({ ok: true });
      expect(await userRole(`added-${who}@matrix.test`)).toBe("viewer");
    },
  },
  "lib/actions/change-role.ts#changeRoleAction": {
    role: "admin",
    fields: (who) => [
      ["email", `role-${who}@matrix.test`],
      ["role", "support"],
    ],
    allowed: async (answer, who) => {
      expect(actionResult(answer)).toMatchObject({ ok: true });
      expect(await userRole(`role-${who}@matrix.test`)).toBe("support");
    },
  },
  "lib/actions/remove-user.ts#removeUserAction": {
    role: "admin",
    fields: (who) => [["email", `remove-${who}@matrix.test`]],
    allowed: async (answer, who) => {
      expect(actionResult(answer)).toMatchObject({ ok: true });
      expect(await userRole(`remove-${who}@matrix.test`)).toBeNull();
    },
  },
  "lib/actions/reset-password.ts#resetPasswordAction": {
    role: "admin",
    fields: (who) => [
      ["email", `reset-${who}@matrix.test`],
      ["password", "a-brand-new-password-0001"],
    ],
    allowed: async (answer) => expect(actionResult(answer)).toMatchObject({ ok: true, message: expect.stringContaining("sessions have ended") }),
  },
  // Public: the login form (a wrong password, whoever sends it) and signing out.
  "lib/actions/sign-in.ts#signInAction": {
    role: "public",
    fields: () => [
      ["email", "nobody@matrix.test"],
      ["password", "not-a-password-of-anyone"],
    ],
    allowed: async (answer) => expect(answer.text).toContain('{"error":"Wrong email or password."}'),
  },
  "lib/actions/sign-out.ts#signOutAction": {
    role: "public",
    fields: () => [],
    allowed: async (answer) => expect(answer.redirect).toMatch(/\/login;/),
  },
};

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  database = await createTestDatabase("security_matrix");
  db = testPool(database.url);
  app = await startApp({ databaseUrl: database.url, env: { AUTH_SECRET, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });
  process.env.DATABASE_URL = database.url;
  delete process.env.DATABASE_MODE;
  actions = readActionManifest();
  await seed();
}, 180_000);

afterAll(async () => {
  const { closePool } = await import("@/lib/db/pool");
  await closePool();
  await app?.stop();
  await db?.end();
  await database?.drop();
});

async function seed(): Promise<void> {
  const users = await import("@/lib/auth/users");
  const { passwordFingerprint } = await import("@/lib/auth/passwords");
  for (const role of ["viewer", "support"] as const) await users.createUser({ email: `${role}@matrix.test`, role, password: USER_PASSWORD }, actor);
  for (const role of ["viewer", "support", "admin"] as const) {
    const user = await users.findUserByEmail(role === "admin" ? ADMIN.email : `${role}@matrix.test`);
    if (!user) throw new Error(`no ${role} user`);
    secrets.set(`${role}-session`, await mintSessionCookie({ userId: user.id, passwordFingerprint: passwordFingerprint(user.passwordHash), secret: AUTH_SECRET }));
    secrets.set(`${role}-token`, await insertApiToken(db, role));
  }
  const everyone = [...CREDENTIALS.map((c) => c.name), ...CROSS_SITE.map((c) => c.name)];
  // Resources the admin actions act on, one set per credential.
  const { createApiToken } = await import("@/lib/auth/api-tokens");
  for (const who of everyone) {
    for (const prefix of ["role", "remove", "reset"]) await users.createUser({ email: `${prefix}-${who}@matrix.test`, role: "viewer", password: USER_PASSWORD }, actor);
    await createApiToken({ name: `revoke-${who}`, role: "viewer" });
  }
  // Events: one processed with a vehicle for the reads, dead letters for every re-drive.
  await insertEvent(EVENT, VEHICLE, "PROCESSED");
  await db.query("INSERT INTO vehicle (vehicle_id, make, last_seen_at, recent_gaps) VALUES ($1, 'TESLA', now(), '{}')", [VEHICLE]);
  await insertEvent("dl-count", "veh-count", "DEAD_LETTERED");
  for (const who of everyone) {
    await insertEvent(`dl-api-${who}`, `veh-api-${who}`, "DEAD_LETTERED");
    await insertEvent(`dl-act-${who}`, `veh-act-${who}`, "DEAD_LETTERED");
    await insertEvent(`dl-bulk-${who}`, `veh-bulk-${who}`, "DEAD_LETTERED");
    for (const part of ["a", "b"]) await insertEvent(`dl-sel-${who}-${part}`, `veh-sel-${who}`, "DEAD_LETTERED");
  }
  const job = await db.query<{ job_id: string }>("INSERT INTO redrive_job (job_id, created_by, filter, event_ids, total, state) VALUES (gen_random_uuid(), 'matrix', '{}', '{}', 0, 'DONE') RETURNING job_id");
  jobId = job.rows[0]?.job_id ?? "";
  const alert = await db.query<{ id: string }>(
    `INSERT INTO alert (rule, dedupe_key, state, severity, title, resolved_at) VALUES ('matrix', 'matrix', 'RESOLVED', 'warning', 'Matrix', now()) RETURNING id::text AS id`,
  );
  alertId = alert.rows[0]?.id ?? "";
  // A quarantined rejection: a body sent without SC-Signature.
  expect((await postWebhook(app.url, vehicleState("veh-stranger", []), { signature: null })).status).toBe(401);
  const rejection = await db.query<{ id: string }>("SELECT id::text AS id FROM rejected_delivery ORDER BY id DESC LIMIT 1");
  rejectionId = rejection.rows[0]?.id ?? "";
}

async function insertEvent(eventId: string, vehicleId: string, status: "PROCESSED" | "DEAD_LETTERED"): Promise<void> {
  const body = vehicleState(vehicleId, [{ code: "tractionbattery-stateofcharge", value: 50, unit: "percent", oemUpdatedAt: Date.now() }], { eventId });
  await db.query(
    `INSERT INTO event (event_id, event_type, vehicle_id, raw_body, body_bytes, status, outcome, processed_at, error_reason, error_at, attempts)
     VALUES ($1, 'VEHICLE_STATE', $2, $3, length($3), $4::"EventStatus", $5, $6, $7, $8, 1)`,
    [
      eventId,
      vehicleId,
      body,
      status,
      status === "PROCESSED" ? "APPLIED" : null,
      status === "PROCESSED" ? new Date() : null,
      status === "DEAD_LETTERED" ? "PROCESSING_FAILED" : null,
      status === "DEAD_LETTERED" ? new Date() : null,
    ],
  );
  await db.query("INSERT INTO delivery (event_id, token_slot, body_bytes) VALUES ($1, 'current', length($2))", [eventId, body]);
}

// ---------------------------------------------------------------------------------------------
// Reading the database.

async function redrives(eventId: string): Promise<number | undefined> {
  const { rows } = await db.query<{ redrives: number }>("SELECT redrives FROM event WHERE event_id = $1", [eventId]);
  return rows[0]?.redrives;
}

async function jobEvents(job: string): Promise<string[] | undefined> {
  const { rows } = await db.query<{ ids: string[] }>("SELECT event_ids AS ids FROM redrive_job WHERE job_id = $1::uuid", [job]);
  return rows[0]?.ids.sort();
}

async function tokenState(name: string): Promise<"active" | "revoked" | null> {
  const { rows } = await db.query<{ revoked: boolean }>("SELECT revoked_at IS NOT NULL AS revoked FROM api_token WHERE name = $1", [name]);
  return rows[0] ? (rows[0].revoked ? "revoked" : "active") : null;
}

async function userRole(email: string): Promise<string | null> {
  const { rows } = await db.query<{ role: string }>("SELECT role FROM app_user WHERE email = $1", [email]);
  return rows[0]?.role ?? null;
}

/**
 * Everything a refused request could have changed: every change an action or endpoint makes is
 * audited in its own transaction, and the rows it changes are hashed too. Queue work started by
 * earlier allowed requests changes none of these.
 */
async function stateFingerprint(): Promise<unknown> {
  const { rows } = await db.query(`
SELECT
  (SELECT count(*) FROM audit_entry)::int AS audits,
  (SELECT count(*) FROM redrive_job)::int AS jobs,
  (SELECT count(*) FROM rejected_delivery WHERE released_at IS NOT NULL)::int AS released,
  (SELECT count(*) FROM alert WHERE acknowledged_at IS NOT NULL)::int AS acknowledged,
  (SELECT md5(coalesce(string_agg(name || role || coalesce(revoked_at::text, ''), ',' ORDER BY name), '')) FROM api_token) AS tokens,
  (SELECT md5(coalesce(string_agg(email || role || password_hash, ',' ORDER BY email), '')) FROM app_user) AS users`);
  return rows[0];
}

// ---------------------------------------------------------------------------------------------
// Asking.

function credentialHeaders(credential: Credential): Record<string, string> {
  if (credential.kind === "anonymous") return {};
  const secret = secrets.get(credential.name) ?? "";
  return credential.kind === "session" ? { cookie: secret } : { authorization: `Bearer ${secret}` };
}

async function ask(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; location: string | null; text: string }> {
  const response = await fetch(`${app.url}${path}`, {
    method,
    redirect: "manual",
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, location: response.headers.get("location"), text: await response.text() };
}

function allows(access: Access, role: Role | null): boolean {
  return "public" in access || (role !== null && hasRole(role, access.role));
}

function errorCode(text: string): string | undefined {
  try {
    return (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

const isMutation = (method: string) => !["GET", "HEAD", "OPTIONS"].includes(method);

// ---------------------------------------------------------------------------------------------

describe("the matrix covers everything the app serves", () => {
  it("has an entry for every page, every route handler method and every server action — and none that are gone", () => {
    const served = enumerateAppRoutes();
    expect({ pages: served.pages, endpoints: served.endpoints }).toEqual({ pages: Object.keys(PAGES).sort(), endpoints: Object.keys(ENDPOINTS).sort() });
    // The source's actions are the build's (a stale build would hide a new one) and the matrix's.
    expect(enumerateServerActions()).toEqual(Object.keys(ACTIONS).sort());
    expect(actions.map((a) => `${a.filename}#${a.exportedName}`).sort()).toEqual(Object.keys(ACTIONS).sort());
  });
});

describe("route handlers", () => {
  for (const [key, endpoint] of Object.entries(ENDPOINTS)) {
    const method = key.split(" ")[0] ?? "GET";
    it(`${key}: ${"public" in endpoint.access ? `${endpoint.access.public} to everyone` : `${endpoint.access.role} and up`}`, async () => {
      const origin = { origin: app.url };
      for (const credential of CREDENTIALS) {
        const path = endpoint.path(credential.name);
        const headers = { ...credentialHeaders(credential), ...(credential.kind === "session" && isMutation(method) ? origin : {}) };
        const before = await stateFingerprint();
        const answer = await ask(method, path, headers, endpoint.body?.(credential.name));
        const where = `${credential.name} ${method} ${path}: ${answer.text.slice(0, 200)}`;
        if ("public" in endpoint.access) {
          expect(answer.status, where).toBe(endpoint.access.public);
        } else if (credential.role === null) {
          expect([answer.status, errorCode(answer.text)], where).toEqual([401, "UNAUTHENTICATED"]);
        } else if (!hasRole(credential.role, endpoint.access.role)) {
          expect([answer.status, errorCode(answer.text)], where).toEqual([403, "FORBIDDEN"]);
        } else {
          expect(answer.status, where).toBe(endpoint.access.status);
          continue;
        }
        if (isMutation(method)) expect(await stateFingerprint(), `${where}: refused, so nothing may change`).toEqual(before);
      }
      if (!("public" in endpoint.access) && isMutation(method)) {
        // Cookie-authenticated changes need this site's Origin, even from an admin.
        for (const crossSite of CROSS_SITE) {
          const path = endpoint.path(crossSite.name);
          const before = await stateFingerprint();
          const headers = { cookie: secrets.get("admin-session") ?? "", ...(crossSite.origin ? { origin: crossSite.origin } : {}) };
          const answer = await ask(method, path, headers, endpoint.body?.(crossSite.name));
          expect([answer.status, errorCode(answer.text)], `${crossSite.name} ${path}`).toEqual([403, "FORBIDDEN"]);
          expect(await stateFingerprint()).toEqual(before);
        }
      }
    });
  }

  it("a refused re-drive left each refused credential's dead letter untouched", async () => {
    for (const credential of CREDENTIALS) {
      expect(await redrives(`dl-api-${credential.name}`), credential.name).toBe(allows({ role: "support", status: 202 }, credential.role) ? 1 : 0);
    }
    for (const crossSite of CROSS_SITE) expect(await redrives(`dl-api-${crossSite.name}`)).toBe(0);
  });
});

describe("pages", () => {
  for (const [pattern, page] of Object.entries(PAGES)) {
    it(`${pattern}: ${"public" in page.access ? "public" : `${page.access.role} and up`}`, async () => {
      for (const credential of CREDENTIALS) {
        const answer = await ask("GET", page.path, credentialHeaders(credential));
        const where = `${credential.name} GET ${page.path}`;
        // Pages know sessions only: a Bearer token is no sign-in.
        const signedIn = credential.kind === "session" ? credential.role : null;
        if ("public" in page.access) {
          // The login page sends whoever is signed in on to the overview.
          expect([answer.status, answer.location], where).toEqual(signedIn ? [307, "/"] : [page.access.public, null]);
        } else if (signedIn === null) {
          const callback = page.path === "/" ? "/login" : `/login?${new URLSearchParams({ callbackUrl: page.path })}`;
          expect([answer.status, answer.location], where).toEqual([307, callback]);
        } else if (!hasRole(signedIn, page.access.role)) {
          // The streamed 403 carries the forbidden boundary's content in its RSC payload.
          expect([answer.status, answer.text.includes("You don't have access to this page")], where).toEqual([403, true]);
        } else {
          expect(answer.status, where).toBe(page.access.status);
        }
      }
    });
  }
});

describe("server actions", () => {
  for (const [key, action] of Object.entries(ACTIONS)) {
    it(`${key.split("#")[1]}: ${action.role === "public" ? "public" : `${action.role} and up`}`, async () => {
      const entry = actions.find((a) => `${a.filename}#${a.exportedName}` === key);
      if (!entry) throw new Error(`${key} is not in the build's server-reference manifest: rebuild with NEXT_DIST_DIR=${process.env.NEXT_DIST_DIR ?? ".next"}`);
      const pagePath = pagePattern(entry.workers[0] ?? "").replace("[eventId]", EVENT).replace("[vehicleId]", VEHICLE);
      const call = (who: string, headers: Record<string, string>) => callAction(app.url, { pagePath, actionId: entry.id, fields: action.fields(who), headers });

      for (const credential of CREDENTIALS) {
        const before = await stateFingerprint();
        const answer = await call(credential.name, { ...credentialHeaders(credential), origin: app.url });
        const where = `${credential.name}: ${answer.status} ${answer.text.slice(0, 300)}`;
        expect(answer.status, where).toBe(200);
        if (action.role === "public") {
          await action.allowed(answer, credential.name);
          continue;
        }
        // Actions know sessions only: a Bearer token is no sign-in.
        const signedIn = credential.kind === "session" ? credential.role : null;
        if (signedIn !== null && hasRole(signedIn, action.role)) {
          await action.allowed(answer, credential.name);
          continue;
        }
        const refusal = signedIn === null ? "Your session has ended: sign in again." : `This needs the ${action.role} role.`;
        expect(actionResult(answer), where).toEqual({ ok: false, message: refusal });
        expect(answer.redirect, where).toBeNull();
        expect(await stateFingerprint(), `${where}: refused, so nothing may change`).toEqual(before);
      }

      // An admin's session cookie without this site's Origin: refused by the action itself
      // (no Origin), or by Next before the action runs (another site's Origin: 500).
      for (const crossSite of CROSS_SITE) {
        const before = await stateFingerprint();
        const answer = await call(crossSite.name, { cookie: secrets.get("admin-session") ?? "", ...(crossSite.origin ? { origin: crossSite.origin } : {}) });
        const where = `${crossSite.name}: ${answer.status} ${answer.text.slice(0, 300)}`;
        if (crossSite.origin) {
          expect(answer.status, where).toBe(500);
        } else if (key.endsWith("#signInAction")) {
          expect(answer.text, where).toContain('{"error":"Refused: this form was not sent from this site."}');
        } else if (key.endsWith("#signOutAction")) {
          expect([answer.status, answer.redirect], where).toEqual([200, null]);
        } else {
          expect(actionResult(answer), where).toEqual({ ok: false, message: "Refused: this form was not sent from this site." });
        }
        expect(answer.redirect, where).toBeNull();
        expect(await stateFingerprint(), `${where}: refused, so nothing may change`).toEqual(before);
      }
    });
  }

  it("left the resources of every refused credential as they were", async () => {
    const refused = [...CREDENTIALS.filter((c) => c.kind !== "session" || c.role === "viewer").map((c) => c.name), ...CROSS_SITE.map((c) => c.name)];
    for (const who of refused) {
      expect(await redrives(`dl-act-${who}`), who).toBe(0);
      expect(await redrives(`dl-bulk-${who}`), who).toBe(0);
      expect(await redrives(`dl-sel-${who}-a`), who).toBe(0);
      expect(await tokenState(`created-${who}`), who).toBeNull();
      expect(await tokenState(`revoke-${who}`), who).toBe("active");
      expect(await userRole(`added-${who}@matrix.test`), who).toBeNull();
      expect(await userRole(`role-${who}@matrix.test`), who).toBe("viewer");
      expect(await userRole(`remove-${who}@matrix.test`), who).toBe("viewer");
    }
  });
});
