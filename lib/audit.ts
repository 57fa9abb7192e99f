import os from "node:os";
import { z } from "zod";
import type { Prisma, PrismaClient } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import type { Principal } from "@/lib/auth/require-role";
import { decodeCursor, encodeCursor, type Page } from "@/lib/dal/cursor";

// The audit log, owner of the audit_entry table: who changed what, for admins to read
// (GET /api/v1/audit, /admin/audit). Append-only. Details never hold secrets: no passwords,
// no token plaintexts or hashes — names, roles and ids only.

export type AuditActorType = "user" | "token" | "cli" | "system";

export interface AuditActor {
  type: AuditActorType;
  /** app_user.id for users; null where there is no stable id (tokens are named, CLIs are OS users). */
  id?: string | null;
  /** What a human reads: the user's email, the token's name, the OS user of a CLI. */
  name: string;
}

export interface AuditInput {
  actor: AuditActor;
  /**
   * `<noun>.<past-tense verb>`, e.g. user.created, user.password_reset, user.role_changed,
   * user.removed, token.created, token.revoked.
   */
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Prisma.InputJsonObject;
}

/** Who acts when the app itself does something (first-run admin, fixtures). */
export const SYSTEM_ACTOR: AuditActor = { type: "system", name: "system" };

/** The operating-system user running a CLI: the best identity a shell command has. */
export function cliActor(): AuditActor {
  try {
    return { type: "cli", name: os.userInfo().username || "cli" };
  } catch {
    // A container user with no passwd entry has no name to give.
    return { type: "cli", name: "cli" };
  }
}

export function actorFromPrincipal(principal: Principal): AuditActor {
  return principal.kind === "token"
    ? { type: "token", name: principal.name }
    : { type: "user", id: principal.id, name: principal.email };
}

/** A Prisma client or the client of an open transaction, so an entry commits with its change. */
type Db = PrismaClient | Prisma.TransactionClient;

export async function recordAudit(entry: AuditInput, db: Db = prisma()): Promise<void> {
  await db.auditEntry.create({
    data: {
      actorType: entry.actor.type,
      actorId: entry.actor.id ?? null,
      actorName: entry.actor.name,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      details: entry.details ?? {},
    },
  });
}

export interface AuditEntryResource {
  /** A decimal string: the bigint id does not fit a JSON number for ever. */
  id: string;
  at: string;
  actor: { type: string; id: string | null; name: string };
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: Prisma.JsonValue;
}

// Keyset on the id, newest first: stable under concurrent inserts, and its cost does not grow
// with the depth of the page the way OFFSET does.
export async function listAuditEntries({ limit, cursor }: { limit: number; cursor?: string }): Promise<Page<AuditEntryResource>> {
  const before = cursor === undefined ? undefined : BigInt(decodeCursor(cursorSchema, cursor).id);
  const rows = await prisma().auditEntry.findMany({
    where: before === undefined ? {} : { id: { lt: before } },
    orderBy: { id: "desc" },
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      id: row.id.toString(),
      at: row.at.toISOString(),
      actor: { type: row.actorType, id: row.actorId, name: row.actorName },
      action: row.action,
      targetType: row.targetType,
      targetId: row.targetId,
      details: row.details,
    })),
    nextCursor: rows.length > limit && last ? encodeCursor({ id: last.id.toString() }) : null,
  };
}

// Up to 18 digits: always inside bigint range, so a forged cursor cannot make Postgres throw.
const cursorSchema = z.object({ id: z.string().regex(/^[1-9][0-9]{0,17}$/) });
