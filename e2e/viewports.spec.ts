import { randomUUID } from "node:crypto";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { z } from "zod";
import { vehicleState } from "../test/helpers/events";
import { postWebhook } from "../test/helpers/smartcar";
import { storageStatePath } from "./support/e2e-users";
import { baseUrl } from "./support/environment";

// "Good at laptop and tablet widths": every page at 1280 and 820 px wide, once its widgets have
// loaded — nothing wider than the window (tables scroll inside their own box), the main heading
// visible, the skip link first in the tab order — with a screenshot of each kept as an artifact.

const WIDTHS = [
  { name: "laptop", width: 1280, height: 800 },
  { name: "tablet", width: 820, height: 1180 },
] as const;

const vehicleId = randomUUID();
let eventId = "";

test.describe.configure({ timeout: 90_000 });

test.beforeAll(async () => {
  const at = Date.now();
  const res = await postWebhook(
    baseUrl(),
    vehicleState(vehicleId, [
      { code: "tractionbattery-stateofcharge", value: 72, unit: "percent", oemUpdatedAt: at, retrievedAt: at + 1000 },
      { code: "tractionbattery-range", value: 310, unit: "km", oemUpdatedAt: at, retrievedAt: at + 1000 },
    ]),
  );
  expect(res.status).toBe(200);
  eventId = z.object({ eventId: z.string() }).parse(await res.json()).eventId;
});

// `name` labels the test and the screenshot; the ids exist only once beforeAll has run.
const PAGES: { name: string; path: () => string; heading: () => string | RegExp; role: "support" | "admin" }[] = [
  { name: "overview", path: () => "/", heading: () => "Overview", role: "support" },
  { name: "events", path: () => "/events", heading: () => "Events", role: "support" },
  { name: "event", path: () => `/events/${eventId}`, heading: () => eventId, role: "support" },
  { name: "vehicles", path: () => "/vehicles", heading: () => "Vehicles", role: "support" },
  { name: "vehicle", path: () => `/vehicles/${vehicleId}`, heading: () => /TESLA/, role: "support" },
  { name: "errors", path: () => "/errors", heading: () => "Errors", role: "support" },
  { name: "alerts", path: () => "/alerts", heading: () => "Alerts", role: "support" },
  { name: "dead-letters", path: () => "/dead-letters", heading: () => "Dead letters", role: "support" },
  { name: "rejections", path: () => "/rejections", heading: () => "Rejections", role: "support" },
  { name: "admin-users", path: () => "/admin/users", heading: () => "Users", role: "admin" },
  { name: "admin-tokens", path: () => "/admin/tokens", heading: () => "API tokens", role: "admin" },
  { name: "admin-audit", path: () => "/admin/audit", heading: () => "Audit log", role: "admin" },
];

for (const size of WIDTHS) {
  test.describe(`at ${size.width} px (${size.name})`, () => {
    test.use({ viewport: { width: size.width, height: size.height } });

    for (const role of ["support", "admin"] as const) {
      test.describe(`as ${role}`, () => {
        test.use({ storageState: storageStatePath(role) });

        for (const entry of PAGES.filter((p) => p.role === role)) {
          test(`${entry.name} fits and is keyboard-reachable`, async ({ page }, testInfo) => {
            const response = await page.goto(entry.path());
            expect(response?.status()).toBe(200);
            await expect(page.getByRole("heading", { level: 1, name: entry.heading() })).toBeVisible();
            await settled(page);
            await expectFitsWidth(page, size.width);
            await keepScreenshot(page, testInfo, `${entry.name}-${size.width}`);
            await expectSkipLinkFirst(page);
          });
        }
      });
    }

    test.describe("as a viewer", () => {
      test.use({ storageState: storageStatePath("viewer") });

      test("the 403 page fits too", async ({ page }, testInfo) => {
        const response = await page.goto("/rejections");
        expect(response?.status()).toBe(403);
        await expect(page.getByRole("heading", { name: "You don't have access to this page" })).toBeVisible();
        await expectFitsWidth(page, size.width);
        await keepScreenshot(page, testInfo, `403-${size.width}`);
      });
    });

    test("the login page fits", async ({ page }, testInfo) => {
      await page.goto("/login");
      await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
      await expectFitsWidth(page, size.width);
      await keepScreenshot(page, testInfo, `login-${size.width}`);
    });
  });
}

/** Every widget has replaced its loading skeleton. */
async function settled(page: Page): Promise<void> {
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0, { timeout: 20_000 });
}

async function expectFitsWidth(page: Page, width: number): Promise<void> {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth, "the page is no wider than the window").toBeLessThanOrEqual(width);
}

async function expectSkipLinkFirst(page: Page): Promise<void> {
  await page.evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined));
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
}

/** A file in the test's output folder (kept whether the test passed or not) and an attachment of the report. */
async function keepScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: "image/png" });
}
