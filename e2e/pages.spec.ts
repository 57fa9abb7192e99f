import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext, type Page, type TestInfo } from "@playwright/test";
import { z } from "zod";
import { vehicleState } from "../test/helpers/events";
import { fixtureBytes, postWebhook } from "../test/helpers/smartcar";
import { storageStatePath } from "./support/e2e-users";
import { adminApi, baseUrl } from "./support/environment";

// Every dashboard page against real data: signed fixtures and synthetic events posted to the
// app's own receiver, processed by its own queue. Other specs share the database, so assertions
// look for this file's rows instead of counting everything.

const TESLA = "332bc6bb-4f5b-4273-aac1-6949e721b454";
const TESLA_STATE_EVENT = "5d0a2291-b441-4092-ac66-c12ca2840a28";
const TESLA_ERROR_EVENT = "4c39cad8-0fd7-42dc-ac1d-7918952d6045";
// The docs-shape fixture's precise location; viewers must only ever see it rounded to 2 decimals.
const PRECISE_LATITUDE = "48.13743";
const ROUNDED_LATITUDE = "48.14";

// Fixtures in the order of test/fixtures/smartcar/README.md: the Tesla ends with SoC 81, an
// UNSUPPORTED and an ERROR signal, open and resolved conditions, and needs re-auth.
const FIXTURES = [
  "vehicle-state.docs-shape.json",
  "vehicle-state.real-shape.json",
  "vehicle-error.compatibility.json",
  "vehicle-error.unreachable-resolved.json",
  "vehicle-error.permission-variant.json",
  "vehicle-state.first-delivery.json",
  "legacy-v2.scheduled.json",
];

const HOUR = 3_600_000;
const acceptedSchema = z.object({ eventId: z.string() });
const statusSchema = z.object({ status: z.string() });
const chartCar = randomUUID();
let deadLetterId = "";

// Real queue runs and pages of several widgets on a busy two-core CI machine: the default 30 s
// is too tight. The seeding hook gets the same budget.
test.describe.configure({ timeout: 90_000 });

test.beforeAll(async () => {
  const api = await adminApi();
  const eventIds: string[] = [];
  const post = async (body: Buffer | string) => {
    const res = await postWebhook(baseUrl(), body);
    expect(res.status).toBe(200);
    eventIds.push(acceptedSchema.parse(await res.json()).eventId);
  };
  // Order matters for the Tesla's state, so one at a time.
  for (const name of FIXTURES) await post(fixtureBytes(name));
  // Six hours of readings for one car, so every chart of its page has a line.
  const now = Date.now();
  for (let i = 0; i < 6; i++) {
    const at = now - (5 - i) * HOUR;
    await post(
      vehicleState(chartCar, [
        { code: "tractionbattery-stateofcharge", value: 40 + i * 10, unit: "percent", oemUpdatedAt: at, retrievedAt: at + 1000 },
        { code: "tractionbattery-range", value: 200 + i * 40, unit: "km", oemUpdatedAt: at, retrievedAt: at + 1000 },
        { code: "odometer-traveleddistance", value: 12_000 + i * 15, unit: "km", oemUpdatedAt: at, retrievedAt: at + 1000 },
        { code: "charge-ischarging", value: i % 2 === 0, oemUpdatedAt: at, retrievedAt: at + 1000 },
      ]),
    );
  }
  // No vehicle id anywhere: dead-lettered at once, with a reason.
  await post(JSON.stringify({ eventId: randomUUID(), eventType: "VEHICLE_STATE", data: { signals: [] }, meta: { version: "4.0", deliveryId: randomUUID(), deliveredAt: Date.now(), mode: "LIVE" } }));
  deadLetterId = eventIds.at(-1) ?? "";
  // Unsigned: a quarantined SIGNATURE_MISSING rejection.
  expect((await postWebhook(baseUrl(), vehicleState(randomUUID(), []), { signature: null })).status).toBe(401);

  for (const eventId of eventIds) {
    await expect.poll(async () => statusOf(api, eventId), { timeout: 30_000, message: `event ${eventId} to be processed` }).toMatch(/^(PROCESSED|DEAD_LETTERED)$/);
  }
  await api.dispose();
});

test.describe("as support", () => {
  test.use({ storageState: storageStatePath("support") });

  test("the overview shows pipeline totals, latency and the vehicles needing attention", async ({ page }, testInfo) => {
    await page.goto("/");
    await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
    await expect(page.getByLabel(/^Pipeline totals/)).toContainText("Received");
    await expect(page.getByLabel("Backlog and fleet, now")).toContainText("Oldest pending");
    await expect(page.getByRole("figure", { name: /Events per hour/ }).locator("svg").first()).toBeVisible();
    await expect(page.getByRole("heading", { name: "Receive latency" })).toBeVisible();
    const attention = page.getByRole("region", { name: "Vehicles needing attention" });
    await expect(attention.getByRole("row").filter({ hasText: TESLA })).toContainText("Needs re-auth");
    await expect(page.getByRole("button", { name: "Pause" })).toBeVisible();
    await attachScreenshot(page, testInfo, "overview");
  });

  test("events: filters live in the URL and change the rows; a row opens with the keyboard", async ({ page }, testInfo) => {
    await page.goto(`/events?vehicleId=${TESLA}`);
    const table = page.getByRole("table", { name: "Events, newest first" });
    await expect(table.getByRole("row").filter({ hasText: TESLA_STATE_EVENT })).toBeVisible();
    await expect(table.getByRole("row").filter({ hasText: TESLA_ERROR_EVENT })).toBeVisible();

    await page.getByLabel("Type").selectOption("VEHICLE_ERROR");
    await expect(page).toHaveURL(/[?&]type=VEHICLE_ERROR/);
    await expect(table.getByRole("row").filter({ hasText: TESLA_STATE_EVENT })).toHaveCount(0);
    await expect(table.getByRole("row").filter({ hasText: TESLA_ERROR_EVENT })).toBeVisible();
    await attachScreenshot(page, testInfo, "events-filtered");

    await page.getByRole("button", { name: "Clear" }).click();
    // The filter form is re-seeded from the URL: type only once the cleared URL has landed.
    await expect(page).not.toHaveURL(/type=/);
    await page.getByLabel("Event id or delivery id").fill(TESLA_STATE_EVENT);
    await page.getByLabel("Event id or delivery id").press("Enter");
    await expect(page).toHaveURL(new RegExp(`[?&]q=${TESLA_STATE_EVENT}`));
    await expect(table.getByRole("row")).toHaveCount(2); // header + the one event

    // One Tab stop per row: focus the row's link and open it with Enter.
    await table.getByRole("link", { name: new RegExp(TESLA_STATE_EVENT) }).focus();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(new RegExp(`/events/${TESLA_STATE_EVENT}$`));
  });

  test("an event shows its payload precisely, deliveries, attempts and the latency chain", async ({ page }, testInfo) => {
    await page.goto(`/events/${TESLA_STATE_EVENT}`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(TESLA_STATE_EVENT);
    await expect(page.getByRole("region", { name: "Deliveries" }).getByRole("row")).toHaveCount(2);
    await expect(page.getByRole("region", { name: "Processing attempts" }).getByRole("listitem")).toContainText(["run attempt 1"]);
    const latency = page.getByRole("region", { name: "Latency" });
    for (const step of ["OEM updated", "Retrieved", "Delivered", "Received", "Processed"]) await expect(latency).toContainText(step);
    const payload = page.getByRole("region", { name: "Raw payload" });
    await expect(payload.getByRole("button", { name: "Copy JSON" })).toBeVisible();
    await expect(payload).toContainText(PRECISE_LATITUDE);
    // A processed event is re-processed only on purpose, and support may do it.
    await expect(page.getByRole("button", { name: "Process again" })).toBeVisible();
    await attachScreenshot(page, testInfo, "event");
  });

  test("vehicles: the list shows health and battery; the health filter changes it", async ({ page }, testInfo) => {
    await page.goto("/vehicles");
    const tesla = page.getByRole("row").filter({ hasText: TESLA });
    await expect(tesla).toContainText("2021 TESLA Model 3");
    await expect(tesla).toContainText("Needs re-auth");
    await expect(tesla).toContainText("81 %");
    await expect(tesla).toContainText("332 km");
    await expect(page.getByRole("row").filter({ hasText: chartCar })).toBeVisible();
    await attachScreenshot(page, testInfo, "vehicles");

    await page.getByLabel("Health").selectOption("NEEDS_REAUTH");
    await expect(page).toHaveURL(/[?&]health=NEEDS_REAUTH/);
    await expect(page.getByRole("row").filter({ hasText: TESLA })).toBeVisible();
    await expect(page.getByRole("row").filter({ hasText: chartCar })).toHaveCount(0);
  });

  test("a vehicle shows every signal with its status, charts, conditions and recent events", async ({ page }, testInfo) => {
    await page.goto(`/vehicles/${TESLA}`);
    const signals = page.getByRole("table", { name: "Latest value of every signal" });
    await expect(signals.getByRole("row").filter({ hasText: "location-isathome" })).toContainText("Unsupported");
    await expect(signals.getByRole("row").filter({ hasText: "charge-chargetimers" })).toContainText("SERVER/INTERNAL");
    await expect(signals.getByRole("row").filter({ hasText: "tractionbattery-stateofcharge" })).toContainText("81 %");
    await expect(signals.getByRole("row").filter({ hasText: "location-preciselocation" })).toContainText(`latitude ${PRECISE_LATITUDE}`);
    await expect(page.getByRole("region", { name: /^Open conditions/ })).toContainText("PERMISSION");
    await expect(page.getByRole("region", { name: /^Resolved conditions/ })).toContainText("UNREACHABLE");
    await expect(page.getByRole("region", { name: "Recent events" }).getByRole("row").filter({ hasText: TESLA_STATE_EVENT })).toBeVisible();
    await attachScreenshot(page, testInfo, "vehicle");

    await page.goto(`/vehicles/${chartCar}`);
    for (const chart of ["Battery", "Range", "Odometer", "Charging"]) {
      await expect(page.getByRole("figure", { name: chart }).locator(".recharts-line-curve")).toBeVisible();
    }
    await attachScreenshot(page, testInfo, "vehicle-charts");
  });

  test("errors keep signal errors, vehicle conditions and pipeline failures apart", async ({ page }, testInfo) => {
    await page.goto("/errors");
    await expect(page.getByRole("region", { name: "Signal errors" }).getByRole("row").filter({ hasText: "COMPATIBILITY" })).toBeVisible();
    await expect(page.getByRole("region", { name: "Vehicle conditions" }).getByRole("row").filter({ hasText: "PERMISSION" }).first()).toBeVisible();
    await expect(page.getByRole("region", { name: "Delivery and processing failures" }).getByRole("row").filter({ hasText: "dead-lettered" })).toBeVisible();
    await page.getByLabel("Group by").selectOption("signal");
    await expect(page).toHaveURL(/[?&]groupBy=signal/);
    await expect(page.getByRole("region", { name: "Signal errors" }).getByRole("row").filter({ hasText: "location-isathome" })).toBeVisible();
    await attachScreenshot(page, testInfo, "errors");
  });

  test("dead letters show the reason and attempts, with re-drive controls", async ({ page }, testInfo) => {
    await page.goto("/dead-letters");
    const row = page.getByRole("row").filter({ hasText: deadLetterId });
    await expect(row).toContainText("NO_VEHICLE_ID");
    await expect(row.getByRole("checkbox")).toBeVisible();
    await expect(page.getByRole("button", { name: "Count matching dead letters" })).toBeVisible();
    await attachScreenshot(page, testInfo, "dead-letters");
  });

  test("rejections show counts by reason and the quarantined signature failure", async ({ page }, testInfo) => {
    await page.goto("/rejections");
    await expect(page.getByRole("region", { name: "By reason" }).getByRole("row").filter({ hasText: "SIGNATURE_MISSING" })).toBeVisible();
    const row = page.getByRole("table", { name: "Rejected deliveries, newest first" }).getByRole("row").filter({ hasText: "SIGNATURE_MISSING" }).first();
    await expect(row.getByRole("button", { name: "Re-check and release" })).toBeVisible();
    await page.getByLabel("Reason", { exact: true }).selectOption("SIGNATURE_MISSING");
    await expect(page).toHaveURL(/[?&]reason=SIGNATURE_MISSING/);
    await expect(page.getByRole("table", { name: "Rejected deliveries, newest first" }).getByRole("row").filter({ hasText: "BODY_TOO_LARGE" })).toHaveCount(0);
    await attachScreenshot(page, testInfo, "rejections");
  });
});

test.describe("as a viewer", () => {
  test.use({ storageState: storageStatePath("viewer") });

  test("the precise location is rounded on the event and the vehicle page", async ({ page }, testInfo) => {
    await page.goto(`/events/${TESLA_STATE_EVENT}`);
    const payload = page.getByRole("region", { name: "Raw payload" });
    await expect(payload).toContainText(ROUNDED_LATITUDE);
    await expect(payload).toContainText("rounded to about 1 km");
    await expect(page.getByRole("region", { name: "Signals" })).toContainText(`latitude ${ROUNDED_LATITUDE}`);
    await expect(page.getByText(PRECISE_LATITUDE)).toHaveCount(0);
    await expect(page.getByRole("button", { name: /Re-drive|Process again/ })).toHaveCount(0);
    await attachScreenshot(page, testInfo, "event-as-viewer");

    await page.goto(`/vehicles/${TESLA}`);
    await expect(page.getByRole("row").filter({ hasText: "location-preciselocation" })).toContainText(`latitude ${ROUNDED_LATITUDE}`);
    await expect(page.getByText(PRECISE_LATITUDE)).toHaveCount(0);
  });

  test("dead letters are listed without any re-drive control, and rejections are forbidden", async ({ page }, testInfo) => {
    await page.goto("/dead-letters");
    await expect(page.getByRole("row").filter({ hasText: deadLetterId })).toContainText("NO_VEHICLE_ID");
    await expect(page.getByRole("checkbox")).toHaveCount(0);
    await expect(page.getByRole("button", { name: /Re-drive|Count matching/ })).toHaveCount(0);
    await attachScreenshot(page, testInfo, "dead-letters-as-viewer");

    const response = await page.goto("/rejections");
    expect(response?.status()).toBe(403);
  });
});

async function statusOf(api: APIRequestContext, eventId: string): Promise<string> {
  const res = await api.get(`/api/v1/events/${encodeURIComponent(eventId)}`);
  return res.ok() ? statusSchema.parse(await res.json()).status : `HTTP ${res.status()}`;
}

async function attachScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await testInfo.attach(name, { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
}
