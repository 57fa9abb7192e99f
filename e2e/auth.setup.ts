import { expect, test as setup } from "@playwright/test";
import { ROLES } from "@/lib/auth/roles";
import { E2E_USERS, storageStatePath } from "./support/e2e-users";

// Signs in once per role through the login page and saves the browser state for the specs.
for (const role of ROLES) {
  setup(`sign in as ${role}`, async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Email").fill(E2E_USERS[role].email);
    await page.getByLabel("Password").fill(E2E_USERS[role].password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname !== "/login");

    // The session works, and carries exactly this role: only admins may read the audit log.
    const audit = await page.request.get("/api/v1/audit");
    expect(audit.status()).toBe(role === "admin" ? 200 : 403);
    await page.context().storageState({ path: storageStatePath(role) });
  });
}
