import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import { recordAudit, SYSTEM_ACTOR, type AuditActor } from "@/lib/audit";
import { roleSchema, type Role } from "@/lib/auth/roles";
import { bearerToken, generateApiToken, hashApiToken, tokenNameSchema } from "@/lib/auth/token-format";

// API tokens (API.md §8), owner of the api_token table. The plaintext is returned once by
// createApiToken and otherwise exists only as its sha256: never in a log line or the database.
// Creating and revoking commit together with their audit entry; the actor defaults to the
// system (fixtures), while the CLI and the admin page name who acted.

// lastUsedAt is for humans ("used 3 min ago"): writing it on every request would turn each
// authenticated read into a write.
const LAST_USED_RESOLUTION_MS = 60_000;

export interface TokenPrincipal {
  kind: "token";
  name: string;
  role: Role;
}

export interface CreatedApiToken {
  name: string;
  role: Role;
  createdAt: Date;
  /** The plaintext, shown once: only its sha256 is stored. */
  token: string;
}

export interface ApiTokenSummary {
  name: string;
  role: Role | "unknown";
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export type RevokeOutcome = "revoked" | "already_revoked" | "not_found";

export async function createApiToken(input: { name: string; role: Role; actor?: AuditActor }): Promise<CreatedApiToken> {
  const name = tokenNameSchema.safeParse(input.name);
  if (!name.success) throw new AppError("INVALID_BODY", name.error.issues[0]?.message ?? "invalid token name");
  const token = generateApiToken();
  try {
    const row = await prisma().$transaction(async (tx) => {
      const created = await tx.apiToken.create({
        data: { name: name.data, role: input.role, tokenHash: hashApiToken(token) },
        select: { name: true, createdAt: true },
      });
      await recordAudit({ actor: input.actor ?? SYSTEM_ACTOR, action: "token.created", targetType: "api_token", targetId: created.name, details: { role: input.role } }, tx);
      return created;
    });
    return { name: row.name, role: input.role, createdAt: row.createdAt, token };
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new AppError("CONFLICT", `A token named "${name.data}" already exists (revoked tokens keep their name).`, { cause: err });
    }
    throw err;
  }
}

export async function listApiTokens(): Promise<ApiTokenSummary[]> {
  const rows = await prisma().apiToken.findMany({
    orderBy: { createdAt: "asc" },
    select: { name: true, role: true, createdAt: true, lastUsedAt: true, revokedAt: true },
  });
  return rows.map((row) => ({ ...row, role: parseRole(row.role) ?? "unknown" }));
}

export async function revokeApiToken(name: string, actor: AuditActor = SYSTEM_ACTOR): Promise<RevokeOutcome> {
  const revoked = await prisma().$transaction(async (tx) => {
    const { count } = await tx.apiToken.updateMany({ where: { name, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count > 0) await recordAudit({ actor, action: "token.revoked", targetType: "api_token", targetId: name }, tx);
    return count > 0;
  });
  if (revoked) return "revoked";
  const existing = await prisma().apiToken.findUnique({ where: { name }, select: { name: true } });
  return existing ? "already_revoked" : "not_found";
}

/**
 * The principal behind an `Authorization: Bearer sct_…` header, or null for a missing,
 * malformed, unknown or revoked token. The lookup is by sha256 of the token, so timing reveals
 * nothing about stored tokens and no constant-time compare is needed.
 */
export async function authenticateBearer(header: string | null): Promise<TokenPrincipal | null> {
  const token = bearerToken(header);
  if (!token) return null;
  const tokenHash = hashApiToken(token);
  const row = await prisma().apiToken.findUnique({
    where: { tokenHash },
    select: { name: true, role: true, lastUsedAt: true, revokedAt: true },
  });
  if (!row || row.revokedAt) return null;
  const role = parseRole(row.role);
  if (!role) return null;
  const now = new Date();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await prisma().apiToken.update({ where: { tokenHash }, data: { lastUsedAt: now } });
  }
  return { kind: "token", name: row.name, role };
}

// A role written by a newer or older version of the app grants nothing rather than crashing.
function parseRole(value: string): Role | null {
  const parsed = roleSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";
}
