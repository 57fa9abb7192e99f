import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import pg from "pg";
import { z } from "zod";
import { vehicleState } from "../test/helpers/events";
import { installFaultTriggers, planFault } from "../test/helpers/faults";
import { postWebhook } from "../test/helpers/smartcar";
import { storageStatePath } from "./support/e2e-users";
import { adminApi, baseUrl, databaseUrl } from "./support/environment";

// Re-drive from the UI, end to end: processing is made to fail for chosen vehicles inside the
// real database (a trigger, test/helpers/faults.ts), the events dead-letter after their retries,
// the cause is removed, and the UI re-drives them into a real PROCESSED outcome.

const single: { vehicleId: string; eventId: string } = { vehicleId: randomUUID(), eventId: "" };
const bulk: { vehicleId: string; eventIds: string[] } = { vehicleId: randomUUID(), eventIds: [] };
const selection: { vehicleId: string; eventIds: string[] } = { vehicleId: randomUUID(), eventIds: [] };
// Dead-letters at once and for ever (no vehicle id): for the checks that must change nothing.
let unfixable = "";

const acceptedSchema = z.object({ eventId: z.string() });
const eventSchema = z.object({ status: z.string(), redrives: z.number(), attempts: z.number() });
const auditSchema = z.object({ items: z.array(z.object({ action: z.string(), targetId: z.string().nullable() })) });

// Dead-letter table columns as support sees them: selection, event, reason, attempts, …
const ATTEMPTS_COLUMN = 3;

let db: pg.Pool;
let api: APIRequestContext;

// Real queue runs and pages of several widgets on a busy two-core CI machine: the default 30 s
// is too tight. The seeding hook gets the same budget.
test.describe.configure({ timeout: 90_000 });

test.beforeAll(async () => {
  db = new pg.Pool({ connectionString: databaseUrl(), max: 2 });
  api = await adminApi();
  await installFaultTriggers(db);
  // Far more failures than retries: only removing the plan lets these vehicles through.
  await planFault(db, single.vehicleId, 1_000);
  await planFault(db, bulk.vehicleId, 1_000);
  await planFault(db, selection.vehicleId, 1_000);

  single.eventId = await post(vehicleState(single.vehicleId, [{ code: "tractionbattery-stateofcharge", value: 55, unit: "percent" }]));
  for (const value of [60, 61]) bulk.eventIds.push(await post(vehicleState(bulk.vehicleId, [{ code: "tractionbattery-stateofcharge", value, unit: "percent" }])));
  for (const value of [70, 71, 72]) selection.eventIds.push(await post(vehicleState(selection.vehicleId, [{ code: "tractionbattery-stateofcharge", value, unit: "percent" }])));
  unfixable = await post(JSON.stringify({ eventId: randomUUID(), eventType: "VEHICLE_STATE", data: { signals: [] }, meta: { version: "4.0", deliveryId: randomUUID(), deliveredAt: Date.now() } }));

  for (const eventId of [single.eventId, ...bulk.eventIds, ...selection.eventIds, unfixable]) {
    await expect.poll(async () => (await eventOf(eventId)).status, { timeout: 30_000, message: `event ${eventId} to dead-letter` }).toBe("DEAD_LETTERED");
  }
  // The cause is fixed: from now on these vehicles process normally.
  await db.query("DELETE FROM test_fault_plan WHERE vehicle_id = ANY($1)", [[single.vehicleId, bulk.vehicleId, selection.vehicleId]]);
});

test.afterAll(async () => {
  await api?.dispose();
  await db?.end();
});

test.describe("as support", () => {
  test.use({ storageState: storageStatePath("support") });

  test("a dead letter is re-driven from its page and its new outcome shows", async ({ page }) => {
    await page.goto(`/dead-letters?vehicleId=${single.vehicleId}`);
    const row = page.getByRole("row").filter({ hasText: single.eventId });
    // Attempts: the first run and its three retries.
    await expect(row.getByRole("cell").nth(ATTEMPTS_COLUMN)).toHaveText("4");
    await row.getByRole("link", { name: new RegExp(single.eventId) }).click();

    await expect(page).toHaveURL(new RegExp(`/events/${single.eventId}$`));
    const summary = page.getByRole("region", { name: "Summary" });
    await expect(summary).toContainText("Dead-lettered");
    await page.getByRole("button", { name: "Re-drive" }).click();

    await expect(page.getByRole("status").filter({ hasText: "Re-drive #1 queued" })).toBeVisible();
    // The page follows the event through the queue on its own.
    await expect(summary).toContainText("Processed", { timeout: 20_000 });
    await expect(summary).toContainText("Applied");
    // Four failed attempts and the dead-lettering, then the re-drive's run: a fresh attempt 1 that succeeded.
    const attempts = page.getByRole("region", { name: "Processing attempts" }).getByRole("listitem");
    await expect(attempts.last()).toContainText("run attempt 1");
    await expect(attempts.last()).toContainText("OK");
    expect(await eventOf(single.eventId)).toMatchObject({ status: "PROCESSED", redrives: 1 });
  });

  test("everything matching a filter is counted first, then re-driven as a job whose progress shows", async ({ page }) => {
    await page.goto(`/dead-letters?vehicleId=${bulk.vehicleId}`);
    await expect(page.getByRole("row").filter({ hasText: bulk.eventIds[0] })).toBeVisible();

    await page.getByRole("button", { name: "Count matching dead letters" }).click();
    await expect(page.getByRole("status").filter({ hasText: "2 dead-lettered events match this filter." })).toBeVisible();
    await page.getByRole("button", { name: "Re-drive all matching" }).click();

    await expect(page).toHaveURL(/[?&]job=[0-9a-f-]{36}/);
    const job = page.getByRole("region", { name: "Bulk re-drive" });
    await expect(job).toContainText("DONE", { timeout: 20_000 });
    await expect(job.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "2", { timeout: 20_000 });
    await expect(job).toContainText(/Processed\s*2/);
    for (const eventId of bulk.eventIds) expect(await eventOf(eventId)).toMatchObject({ status: "PROCESSED", redrives: 1 });
  });

  test("ticked dead letters are re-driven as ONE job whose progress shows, the others left alone", async ({ page }) => {
    const [first, second, untouched] = selection.eventIds;
    await page.goto(`/dead-letters?vehicleId=${selection.vehicleId}`);
    for (const eventId of [first, second]) {
      await page.getByRole("checkbox", { name: `Select event ${eventId}` }).check();
    }
    await page.getByRole("button", { name: "Re-drive 2 selected" }).click();

    // The same job view as a filter's re-drive, with the page's filter kept.
    await expect(page).toHaveURL(new RegExp(`[?&]vehicleId=${selection.vehicleId}&job=[0-9a-f-]{36}`));
    const job = page.getByRole("region", { name: "Bulk re-drive" });
    await expect(job).toContainText("DONE", { timeout: 20_000 });
    await expect(job.getByRole("progressbar")).toHaveAttribute("aria-valuemax", "2");
    await expect(job.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "2", { timeout: 20_000 });
    await expect(job).toContainText(/Processed\s*2/);
    for (const eventId of [first, second]) expect(await eventOf(eventId ?? "")).toMatchObject({ status: "PROCESSED", redrives: 1 });
    expect(await eventOf(untouched ?? "")).toMatchObject({ status: "DEAD_LETTERED", redrives: 0 });
    // One bulk job in the audit log, no single re-drives.
    const audit = auditSchema.parse(await (await api.get("/api/v1/audit?limit=200")).json()).items;
    expect(audit.filter((e) => e.action === "event.redrive" && [first, second].includes(e.targetId ?? ""))).toHaveLength(0);
    const jobId = new URL(page.url()).searchParams.get("job");
    expect(audit.filter((e) => e.action === "event.redrive_bulk" && e.targetId === jobId)).toHaveLength(1);
  });
});

test("a viewer sees no re-drive button, and the server action refuses the viewer anyway", async ({ browser }) => {
  const viewer = await browser.newPage({ storageState: storageStatePath("viewer") });
  const support = await browser.newPage({ storageState: storageStatePath("support") });
  const eventPath = `/events/${unfixable}`;

  await viewer.goto(eventPath);
  await expect(viewer.getByRole("region", { name: "Summary" })).toContainText("Dead-lettered");
  await expect(viewer.getByRole("button", { name: /Re-drive|Process again/ })).toHaveCount(0);

  // The form support is given, replayed by the viewer: the same action id and fields, posted
  // from the viewer's session — exactly what a crafted request would send.
  await support.goto(eventPath);
  const form = await support.locator("form").filter({ has: support.getByRole("button", { name: "Re-drive" }) }).evaluate((f) => f.outerHTML);
  await submitInjectedForm(viewer, form, eventPath);
  expect(await eventOf(unfixable)).toMatchObject({ status: "DEAD_LETTERED", redrives: 0 });
  expect(await redriveAudits(unfixable)).toBe(0);

  // The control: the very same replay from support's session does re-drive.
  await submitInjectedForm(support, form, eventPath);
  await expect.poll(async () => (await eventOf(unfixable)).redrives, { timeout: 10_000 }).toBe(1);
  expect(await redriveAudits(unfixable)).toBe(1);

  await viewer.close();
  await support.close();
});

/** Adds `html` (a server-action form) to the page outside React, and submits it the way a browser without JS does. */
async function submitInjectedForm(page: Page, html: string, eventPath: string): Promise<void> {
  await page.evaluate((markup) => {
    const holder = document.createElement("div");
    holder.id = "replayed-form";
    holder.innerHTML = markup;
    document.body.append(holder);
  }, html);
  const answered = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === eventPath);
  await page.locator("#replayed-form button[type=submit]").click();
  expect((await answered).status()).toBe(200);
}

async function post(body: string): Promise<string> {
  const res = await postWebhook(baseUrl(), body);
  expect(res.status).toBe(200);
  return acceptedSchema.parse(await res.json()).eventId;
}

async function eventOf(eventId: string): Promise<z.infer<typeof eventSchema>> {
  const res = await api.get(`/api/v1/events/${encodeURIComponent(eventId)}`);
  expect(res.status()).toBe(200);
  return eventSchema.parse(await res.json());
}

async function redriveAudits(eventId: string): Promise<number> {
  const res = await api.get("/api/v1/audit?limit=200");
  expect(res.status()).toBe(200);
  return auditSchema.parse(await res.json()).items.filter((e) => e.action === "event.redrive" && e.targetId === eventId).length;
}
