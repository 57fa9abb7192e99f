import type pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { useAppWithDatabase } from "../../helpers/app-with-database";
import { apiClient, insertApiToken } from "../dashboard/helpers";

// GET /api/v1/alerts and POST /api/v1/alerts/{id}/ack over HTTP against `next start`, with
// alerts written as the evaluator writes them. The app's own evaluation is scheduled for New
// Year's midnight, so it cannot resolve these alerts while the suite runs.

const METRICS_TOKEN = "alerts-scrape-token";
const suite = useAppWithDatabase({ env: { ALERT_EVALUATION_CRON: "0 0 1 1 *", METRICS_TOKEN } });

const alertSchema = z.object({
  id: z.string(),
  rule: z.string(),
  subject: z.string(),
  state: z.enum(["OPEN", "ACKNOWLEDGED", "RESOLVED"]),
  severity: z.enum(["warning", "critical"]),
  title: z.string(),
  summary: z.string(),
  detail: z.record(z.string(), z.unknown()),
  openedAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  acknowledgedAt: z.iso.datetime().nullable(),
  acknowledgedBy: z.string().nullable(),
  resolvedAt: z.iso.datetime().nullable(),
  notifiedAt: z.iso.datetime().nullable(),
  notifyError: z.string().nullable(),
});
const pageSchema = z.object({ items: z.array(alertSchema), nextCursor: z.string().nullable() });
const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

let viewer: ReturnType<typeof apiClient>;
let support: ReturnType<typeof apiClient>;
let admin: ReturnType<typeof apiClient>;
const ids = { warning: "", critical: "", acknowledged: "", resolved: "" };

async function insertAlert(db: pg.Pool, a: { rule: string; subject?: string; state: string; severity: string; minutesAgo: number }): Promise<string> {
  const key = a.subject ? `${a.rule}:${a.subject}` : a.rule;
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO alert (rule, subject, dedupe_key, open_key, state, severity, title, detail, opened_at, last_seen_at, acknowledged_at, acknowledged_by, resolved_at)
     VALUES ($1, $2, $3, CASE WHEN $4 = 'RESOLVED' THEN NULL ELSE $3 END, $4, $5, 'Title of ' || $3, $6, now() - make_interval(mins => $7), now(),
             CASE WHEN $4 = 'ACKNOWLEDGED' THEN now() END, CASE WHEN $4 = 'ACKNOWLEDGED' THEN 'someone@example.com' END, CASE WHEN $4 = 'RESOLVED' THEN now() END)
     RETURNING id::text`,
    [a.rule, a.subject ?? "", key, a.state, a.severity, JSON.stringify({ summary: `Summary of ${key}`, count: 3 }), a.minutesAgo],
  );
  return rows[0]?.id ?? "";
}

beforeAll(async () => {
  viewer = apiClient(suite.app.url, await insertApiToken(suite.db, "viewer"));
  support = apiClient(suite.app.url, await insertApiToken(suite.db, "support"));
  admin = apiClient(suite.app.url, await insertApiToken(suite.db, "admin"));
  ids.resolved = await insertAlert(suite.db, { rule: "backlog_age", state: "RESOLVED", severity: "warning", minutesAgo: 1 });
  ids.acknowledged = await insertAlert(suite.db, { rule: "dead_letters", state: "ACKNOWLEDGED", severity: "warning", minutesAgo: 2 });
  ids.warning = await insertAlert(suite.db, { rule: "vehicle_silent", subject: "veh-1", state: "OPEN", severity: "warning", minutesAgo: 3 });
  ids.critical = await insertAlert(suite.db, { rule: "storage_outage", subject: "7", state: "OPEN", severity: "critical", minutesAgo: 30 });
});

describe("GET /api/v1/alerts", () => {
  it("lists live alerts first — open critical, open, acknowledged — then resolved ones", async () => {
    const res = await viewer.get("/api/v1/alerts");
    expect(res.status).toBe(200);
    const page = pageSchema.parse(res.body);
    expect(page.items.map((a) => a.id)).toEqual([ids.critical, ids.warning, ids.acknowledged, ids.resolved]);
    expect(page.nextCursor).toBeNull();
    expect(page.items[1]).toMatchObject({ rule: "vehicle_silent", subject: "veh-1", state: "OPEN", summary: "Summary of vehicle_silent:veh-1", detail: { count: 3 } });
  });

  it("filters by state and pages with a cursor", async () => {
    expect(pageSchema.parse((await viewer.get("/api/v1/alerts?state=RESOLVED")).body).items.map((a) => a.id)).toEqual([ids.resolved]);
    const first = pageSchema.parse((await viewer.get("/api/v1/alerts?limit=3")).body);
    expect(first.items.map((a) => a.id)).toEqual([ids.critical, ids.warning, ids.acknowledged]);
    const second = pageSchema.parse((await viewer.get(`/api/v1/alerts?limit=3&cursor=${first.nextCursor ?? ""}`)).body);
    expect(second).toEqual({ items: [expect.objectContaining({ id: ids.resolved })], nextCursor: null });
  });

  it("refuses a bad query and an anonymous caller", async () => {
    const bad = await viewer.get("/api/v1/alerts?state=CLOSED");
    expect(bad.status).toBe(400);
    expect(errorSchema.parse(bad.body).error.code).toBe("INVALID_QUERY");
    const anonymous = await apiClient(suite.app.url, null).get("/api/v1/alerts");
    expect(anonymous.status).toBe(401);
    expect(errorSchema.parse(anonymous.body).error.code).toBe("UNAUTHENTICATED");
  });
});

describe("POST /api/v1/alerts/{id}/ack", () => {
  it("is refused to a viewer and changes nothing", async () => {
    const res = await viewer.post(`/api/v1/alerts/${ids.warning}/ack`);
    expect(res.status).toBe(403);
    expect(errorSchema.parse(res.body).error.code).toBe("FORBIDDEN");
    const { rows } = await suite.db.query("SELECT state, acknowledged_by FROM alert WHERE id = $1", [ids.warning]);
    expect(rows[0]).toEqual({ state: "OPEN", acknowledged_by: null });
  });

  it("acknowledges for support, with an audit entry; acknowledging again changes nothing", async () => {
    const res = await support.post(`/api/v1/alerts/${ids.warning}/ack`);
    expect(res.status).toBe(200);
    const alert = alertSchema.parse(res.body);
    expect(alert).toMatchObject({ id: ids.warning, state: "ACKNOWLEDGED", acknowledgedBy: expect.stringMatching(/^support-/), acknowledgedAt: expect.any(String) });

    const again = await support.post(`/api/v1/alerts/${ids.warning}/ack`);
    expect(again.status).toBe(200);
    expect(alertSchema.parse(again.body)).toEqual(alert);

    const audit = z.object({ items: z.array(z.object({ action: z.string(), targetId: z.string().nullable(), actor: z.object({ type: z.string(), name: z.string() }), details: z.unknown() })) });
    const entries = audit.parse((await admin.get("/api/v1/audit")).body).items.filter((e) => e.action === "alert.acknowledge");
    expect(entries).toEqual([
      { action: "alert.acknowledge", targetId: ids.warning, actor: { type: "token", name: alert.acknowledgedBy }, details: { rule: "vehicle_silent", subject: "veh-1", severity: "warning" } },
    ]);
  });

  it("answers 404 for an unknown or malformed id and 409 for a resolved alert", async () => {
    for (const id of ["999999", "abc", "0"]) {
      const res = await support.post(`/api/v1/alerts/${id}/ack`);
      expect(res.status).toBe(404);
      expect(errorSchema.parse(res.body).error.code).toBe("NOT_FOUND");
    }
    const resolved = await support.post(`/api/v1/alerts/${ids.resolved}/ack`);
    expect(resolved.status).toBe(409);
    expect(errorSchema.parse(resolved.body).error.code).toBe("CONFLICT");
  });
});

describe("GET /api/metrics", () => {
  it("reports live alerts by severity", async () => {
    const res = await fetch(`${suite.app.url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    const text = await res.text();
    expect(text).toMatch(/^smartcar_alerts_open\{severity="critical"\} 1$/m);
    // The open warning and the acknowledged one; the resolved one is not live.
    expect(text).toMatch(/^smartcar_alerts_open\{severity="warning"\} 2$/m);
  });
});
