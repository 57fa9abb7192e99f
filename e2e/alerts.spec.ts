import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext, type Page, type TestInfo } from "@playwright/test";
import pg from "pg";
import { z } from "zod";
import { storageStatePath } from "./support/e2e-users";
import { adminApi, baseUrl, databaseUrl } from "./support/environment";

// Alerts end to end: a storage outage window is written into the app's database as the receiver's
// circuit breaker records one, the app's own evaluate-alerts cron (embedded executor, every
// minute) opens an alert for it, and the Alerts page shows it — acknowledged by support, read-only
// for a viewer, whose replayed server action is refused.

// Each window's alert is told apart from every other spec's by the instance named in its summary.
const forSupport = `e2e-alerts-support-${randomUUID().slice(0, 8)}:1`;
const forViewer = `e2e-alerts-viewer-${randomUUID().slice(0, 8)}:1`;
const alertIds: Record<string, string> = {};

const auditSchema = z.object({ items: z.array(z.object({ action: z.string(), targetId: z.string().nullable(), actor: z.object({ name: z.string() }) })) });

let db: pg.Pool;
let api: APIRequestContext;

// Real queue runs and pages on a busy two-core machine: the default 30 s is too tight.
test.describe.configure({ timeout: 90_000 });

test.beforeAll(async () => {
  // The evaluation runs at the top of each minute: the hook waits for up to one tick and a bit.
  // (A hook's budget is its own: the describe-level timeout above does not reach it.)
  test.setTimeout(120_000);
  db = new pg.Pool({ connectionString: databaseUrl(), max: 2 });
  api = await adminApi();
  // Ended a minute ago: inside the alert's grace period for the whole run.
  for (const instance of [forSupport, forViewer]) {
    await db.query(
      `INSERT INTO outage_window (started_at, ended_at, mode, refused, instance) VALUES (now() - interval '6 minutes', now() - interval '1 minute', 'refused', 9, $1)`,
      [instance],
    );
  }
  for (const instance of [forSupport, forViewer]) {
    await expect
      .poll(async () => (alertIds[instance] = await openAlertFor(instance)), { timeout: 90_000, intervals: [1_000], message: `an alert for the outage on ${instance}` })
      .not.toBe("");
  }
});

test.afterAll(async () => {
  await api?.dispose();
  await db?.end();
});

test("support acknowledges an open alert and sees its state change", async ({ browser }, testInfo) => {
  const page = await browser.newPage({ storageState: storageStatePath("support") });
  await page.goto("/");
  await expect(page.getByRole("region", { name: "Live alerts" })).toContainText("critical");

  await page.getByRole("link", { name: "Alerts", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Alerts", level: 1 })).toBeVisible();
  const card = page.getByRole("listitem").filter({ hasText: forSupport });
  await expect(card.getByRole("heading", { name: "Database outage: deliveries refused" })).toBeVisible();
  await expect(card).toContainText("Critical");
  await expect(card).toContainText("Open");
  await expect(card).toContainText("9 deliveries answered 503");
  await attachScreenshot(page, testInfo, "alerts-open");

  await card.getByRole("button", { name: "Acknowledge" }).click();
  await expect(card.getByRole("status")).toContainText("Acknowledged by support@e2e.test");
  await expect(card).toContainText("Acknowledged");
  await expect(card).toContainText("by support@e2e.test");
  await expect(card.getByRole("button", { name: "Acknowledge" })).toHaveCount(0);
  await attachScreenshot(page, testInfo, "alerts-acknowledged");

  // The state filter lives in the URL and keeps the acknowledged alert.
  await page.getByLabel("State").selectOption("ACKNOWLEDGED");
  await expect(page).toHaveURL(/[?&]state=ACKNOWLEDGED/);
  await expect(page.getByRole("listitem").filter({ hasText: forSupport })).toBeVisible();
  await expect(page.getByRole("listitem").filter({ hasText: forViewer })).toHaveCount(0);

  expect(await acknowledgements(alertIds[forSupport] ?? "")).toEqual(["support@e2e.test"]);
  await page.close();
});

test("a viewer sees alerts without an Acknowledge button, and the server action refuses the viewer anyway", async ({ browser }, testInfo) => {
  const viewer = await browser.newPage({ storageState: storageStatePath("viewer") });
  const support = await browser.newPage({ storageState: storageStatePath("support") });

  await viewer.goto("/alerts");
  const card = viewer.getByRole("listitem").filter({ hasText: forViewer });
  await expect(card.getByRole("heading", { name: "Database outage: deliveries refused" })).toBeVisible();
  await expect(viewer.getByRole("button", { name: "Acknowledge" })).toHaveCount(0);
  // The details open from the keyboard.
  await card.getByText("Details").focus();
  await viewer.keyboard.press("Enter");
  await expect(card).toContainText(forViewer);
  await attachScreenshot(viewer, testInfo, "alerts-as-viewer");

  // Support's form for this alert, replayed from the viewer's session: exactly what a crafted request would send.
  await support.goto("/alerts");
  const form = await support
    .getByRole("listitem")
    .filter({ hasText: forViewer })
    .locator("form")
    .filter({ has: support.getByRole("button", { name: "Acknowledge" }) })
    .evaluate((f) => f.outerHTML);
  await submitInjectedForm(viewer, form);
  const { rows } = await db.query("SELECT state FROM alert WHERE id = $1", [alertIds[forViewer]]);
  expect(rows[0]).toEqual({ state: "OPEN" });
  expect(await acknowledgements(alertIds[forViewer] ?? "")).toEqual([]);

  await viewer.close();
  await support.close();
});

/** The id of the live alert the evaluator opened for the window of `instance`, or "". */
async function openAlertFor(instance: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT a.id::text AS id FROM alert a JOIN outage_window o ON a.subject = o.id::text
     WHERE a.rule = 'storage_outage' AND a.open_key IS NOT NULL AND o.instance = $1`,
    [instance],
  );
  return rows[0]?.id ?? "";
}

async function acknowledgements(alertId: string): Promise<string[]> {
  const res = await api.get("/api/v1/audit?limit=200");
  expect(res.status()).toBe(200);
  return auditSchema
    .parse(await res.json())
    .items.filter((e) => e.action === "alert.acknowledge" && e.targetId === alertId)
    .map((e) => e.actor.name);
}

/** Adds `html` (a server-action form) to the page outside React, and submits it the way a browser without JS does. */
async function submitInjectedForm(page: Page, html: string): Promise<void> {
  await page.evaluate((markup) => {
    const holder = document.createElement("div");
    holder.id = "replayed-form";
    holder.innerHTML = markup;
    document.body.append(holder);
  }, html);
  const answered = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/alerts");
  await page.locator("#replayed-form button[type=submit]").click();
  expect((await answered).status()).toBe(200);
}

async function attachScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await testInfo.attach(name, { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
}
