import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { E2E_USERS, storageStatePath } from "./support/e2e-users";

test.describe("signing in", () => {
  test("the login page signs a user in and returns to where they were going, with no CSP violation", async ({ page }) => {
    const violations: string[] = [];
    page.on("console", (message) => {
      if (message.text().includes("Content Security Policy")) violations.push(message.text());
    });

    await page.goto("/admin/users");
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fadmin%2Fusers$/);
    await page.getByLabel("Email").fill(E2E_USERS.admin.email);
    await page.getByLabel("Password").fill(E2E_USERS.admin.password);
    await page.getByRole("button", { name: "Sign in" }).click();

    await expect(page).toHaveURL(/\/admin\/users$/);
    await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" })).toHaveAttribute("aria-current", "page");
    expect(violations).toEqual([]);
  });

  test("a wrong password shows an error and no session", async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Email").fill(E2E_USERS.viewer.email);
    await page.getByLabel("Password").fill("not-the-password-at-all");
    await page.getByRole("button", { name: "Sign in" }).click();

    await expect(page.getByText("Wrong email or password.")).toBeVisible();
    await expect(page).toHaveURL(/\/login$/);
    expect((await page.request.get("/api/v1/audit")).status()).toBe(401);
  });

  test("an anonymous visitor is sent to /login", async ({ page }) => {
    await page.goto("/admin/audit");
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fadmin%2Faudit$/);
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  });

  test("signing out ends the session", async ({ page }) => {
    await page.goto("/login?callbackUrl=%2Fadmin%2Ftokens");
    await page.getByLabel("Email").fill(E2E_USERS.admin.email);
    await page.getByLabel("Password").fill(E2E_USERS.admin.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "API tokens", level: 1 })).toBeVisible();

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto("/admin/tokens");
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fadmin%2Ftokens$/);
  });
});

test.describe("as a viewer", () => {
  test.use({ storageState: storageStatePath("viewer") });

  test("the admin pages answer with the 403 page, and the nav has no Admin link", async ({ page }) => {
    const response = await page.goto("/admin/users");
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "You don't have access to this page" })).toBeVisible();
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Events" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Rejections" })).toHaveCount(0);
    await expect(nav.getByRole("link", { name: "Admin" })).toHaveCount(0);
  });
});

test.describe("as an admin", () => {
  test.use({ storageState: storageStatePath("admin") });

  test("adding a user shows its generated password once and lands in the audit log", async ({ page }) => {
    const email = `new-${randomBytes(4).toString("hex")}@e2e.test`;
    await page.goto("/admin/users");
    const addForm = page.getByRole("region", { name: "Add a user" });
    await addForm.getByLabel("Email", { exact: true }).fill(email);
    await addForm.getByLabel("Role", { exact: true }).selectOption("support");
    await addForm.getByRole("button", { name: "Add user" }).click();

    await expect(addForm.getByRole("status")).toHaveText(`Added ${email} (support). Their generated password:`);
    await expect(addForm.getByTestId("one-time-secret")).toHaveText(/^[A-Za-z0-9_-]{24}$/);
    await expect(page.getByRole("cell", { name: email, exact: true })).toBeVisible();

    await page.goto("/admin/audit");
    const row = page.getByRole("row").filter({ hasText: email });
    await expect(row).toContainText("user.created");
    await expect(row).toContainText(E2E_USERS.admin.email);
  });
});
