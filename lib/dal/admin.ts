import "server-only";
import { listApiTokens } from "@/lib/auth/api-tokens";
import { requireUser } from "@/lib/auth/session";
import { listUsers } from "@/lib/auth/users";
import { listAuditEntries, type AuditEntryResource } from "@/lib/audit";
import type { Page } from "@/lib/dal/cursor";
import { isoOrNull } from "@/lib/dal/timestamps";

// Read models of the admin pages. Each checks the admin role itself, so a page that forgets to
// cannot leak them; each returns plain DTOs (no password hashes, no token hashes).

export interface AdminUserRow {
  id: string;
  email: string;
  name: string | null;
  role: string;
  createdAt: string;
  lastLoginAt: string | null;
  lockedUntil: string | null;
}

export interface AdminTokenRow {
  name: string;
  role: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export async function getUsersForAdmin(): Promise<AdminUserRow[]> {
  await requireUser("admin");
  const now = Date.now();
  return (await listUsers()).map((u) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    createdAt: u.createdAt.toISOString(),
    lastLoginAt: isoOrNull(u.lastLoginAt),
    // A lock in the past no longer applies.
    lockedUntil: u.lockedUntil && u.lockedUntil.getTime() > now ? u.lockedUntil.toISOString() : null,
  }));
}

export async function getTokensForAdmin(): Promise<AdminTokenRow[]> {
  await requireUser("admin");
  return (await listApiTokens()).map((t) => ({
    name: t.name,
    role: t.role,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: isoOrNull(t.lastUsedAt),
    revokedAt: isoOrNull(t.revokedAt),
  }));
}

export async function getAuditForAdmin(page: { limit: number; cursor?: string }): Promise<Page<AuditEntryResource>> {
  await requireUser("admin");
  return listAuditEntries(page);
}
