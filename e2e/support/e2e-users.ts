import path from "node:path";
import type { Role } from "@/lib/auth/roles";

// The accounts of the e2e run: the admin is the launcher's first-run admin (ADMIN_EMAIL /
// ADMIN_PASSWORD), the others are added by the global setup through the users library.
export const E2E_USERS: Record<Role, { email: string; password: string }> = {
  admin: { email: "admin@e2e.test", password: "e2e-admin-password-0001" },
  support: { email: "support@e2e.test", password: "e2e-support-password-0001" },
  viewer: { email: "viewer@e2e.test", password: "e2e-viewer-password-0001" },
};

/** Signed-in browser state per role, written by e2e/auth.setup.ts. */
export function storageStatePath(role: Role): string {
  return path.join(__dirname, "..", ".auth", `${role}.json`);
}
