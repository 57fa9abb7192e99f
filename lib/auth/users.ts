import { z } from "zod";
import { Prisma, type PrismaClient } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import { recordAudit, type AuditActor } from "@/lib/audit";
import { hashPassword, passwordSchema } from "@/lib/auth/passwords";
import { roleSchema, type Role } from "@/lib/auth/roles";
import { emailSchema } from "@/lib/auth/user-fields";
import { AppError } from "@/lib/errors";

// Dashboard users, owner of the app_user table. Every change commits together with its audit
// entry, so the log cannot miss a change that happened (nor show one that rolled back).
// Used by the users CLI, the /admin/users page, the first-run admin and sign-in.

export interface UserSummary {
  id: string;
  email: string;
  name: string | null;
  /** "unknown" when the stored role is not one this version knows: it grants nothing. */
  role: Role | "unknown";
  createdAt: Date;
  lastLoginAt: Date | null;
  failedLogins: number;
  lockedUntil: Date | null;
}

/** What sign-in and session checks need; the hash never leaves the server. */
export interface UserCredentials {
  id: string;
  email: string;
  name: string | null;
  role: Role | null;
  passwordHash: string;
  lockedUntil: Date | null;
}

const summarySelect = {
  id: true,
  email: true,
  name: true,
  role: true,
  createdAt: true,
  lastLoginAt: true,
  failedLogins: true,
  lockedUntil: true,
} satisfies Prisma.UserSelect;

type SummaryRow = Prisma.UserGetPayload<{ select: typeof summarySelect }>;

export async function createUser(
  input: { email: string; role: Role; password: string; name?: string | null },
  actor: AuditActor,
  db: PrismaClient = prisma(),
): Promise<UserSummary> {
  const email = parseField(emailSchema, input.email);
  const passwordHash = await hashPassword(parseField(passwordSchema, input.password));
  try {
    const row = await db.$transaction(async (tx) => {
      const created = await tx.user.create({
        data: { email, name: input.name || null, role: input.role, passwordHash },
        select: summarySelect,
      });
      await recordAudit({ actor, action: "user.created", targetType: "user", targetId: created.email, details: { role: input.role } }, tx);
      return created;
    });
    return toSummary(row);
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      throw new AppError("CONFLICT", `A user with the email ${email} already exists.`, { cause: err });
    }
    throw err;
  }
}

export async function listUsers(): Promise<UserSummary[]> {
  const rows = await prisma().user.findMany({ orderBy: { email: "asc" }, select: summarySelect });
  return rows.map(toSummary);
}

/** Sets a new password and lifts a lockout: the way back in for a locked-out user. */
export async function resetPassword(email: string, password: string, actor: AuditActor): Promise<void> {
  const key = parseField(emailSchema, email);
  const passwordHash = await hashPassword(parseField(passwordSchema, password));
  await prisma().$transaction(async (tx) => {
    const { count } = await tx.user.updateMany({ where: { email: key }, data: { passwordHash, failedLogins: 0, lockedUntil: null } });
    if (count === 0) throw notFound(key);
    await recordAudit({ actor, action: "user.password_reset", targetType: "user", targetId: key }, tx);
  });
}

export async function setUserRole(email: string, role: Role, actor: AuditActor): Promise<void> {
  const key = parseField(emailSchema, email);
  await prisma().$transaction(async (tx) => {
    const target = await tx.user.findUnique({ where: { email: key }, select: { id: true, role: true } });
    if (!target) throw notFound(key);
    if (target.role === role) return;
    if (role !== "admin") await assertNotLastAdmin(tx, target.id, "demote");
    await tx.user.update({ where: { id: target.id }, data: { role } });
    await recordAudit({ actor, action: "user.role_changed", targetType: "user", targetId: key, details: { from: target.role, to: role } }, tx);
  });
}

export async function removeUser(email: string, actor: AuditActor): Promise<void> {
  const key = parseField(emailSchema, email);
  await prisma().$transaction(async (tx) => {
    const target = await tx.user.findUnique({ where: { email: key }, select: { id: true, role: true } });
    if (!target) throw notFound(key);
    await assertNotLastAdmin(tx, target.id, "remove");
    await tx.user.delete({ where: { id: target.id } });
    await recordAudit({ actor, action: "user.removed", targetType: "user", targetId: key, details: { role: target.role } }, tx);
  });
}

export async function hasAdmin(db: PrismaClient = prisma()): Promise<boolean> {
  return (await db.user.count({ where: { role: "admin" } })) > 0;
}

export async function findUserByEmail(email: string): Promise<UserCredentials | null> {
  const row = await prisma().user.findUnique({ where: { email }, select: credentialsSelect });
  return row ? toCredentials(row) : null;
}

export async function findUserById(id: string): Promise<UserCredentials | null> {
  // Session tokens carry the id; one that is not a UUID would make Postgres throw on the cast.
  if (!z.uuid().safeParse(id).success) return null;
  const row = await prisma().user.findUnique({ where: { id }, select: credentialsSelect });
  return row ? toCredentials(row) : null;
}

/**
 * Counts a failed sign-in in one atomic statement; the count restarts after an expired lock.
 * Reaching `maxFailures` locks the account for `lockMs`. Returns the resulting lock, if any.
 */
export async function recordFailedLogin(id: string, { maxFailures, lockMs }: { maxFailures: number; lockMs: number }): Promise<Date | null> {
  const rows = await prisma().$queryRaw<{ locked_until: Date | null }[]>`
    WITH prior AS (
      SELECT id, CASE WHEN locked_until IS NOT NULL AND locked_until <= now() THEN 0 ELSE failed_logins END AS failures
      FROM app_user WHERE id = ${id}::uuid FOR UPDATE
    )
    UPDATE app_user u SET
      failed_logins = prior.failures + 1,
      locked_until = CASE WHEN prior.failures + 1 >= ${maxFailures}::int THEN now() + make_interval(secs => ${lockMs / 1000}::float8) ELSE NULL END
    FROM prior WHERE u.id = prior.id
    RETURNING u.locked_until`;
  return rows[0]?.locked_until ?? null;
}

export async function recordSuccessfulLogin(id: string): Promise<void> {
  await prisma().user.update({ where: { id }, data: { failedLogins: 0, lockedUntil: null, lastLoginAt: new Date() } });
}

const credentialsSelect = {
  id: true,
  email: true,
  name: true,
  role: true,
  passwordHash: true,
  lockedUntil: true,
} satisfies Prisma.UserSelect;

type CredentialsRow = Prisma.UserGetPayload<{ select: typeof credentialsSelect }>;

// The admin rows are locked before counting, so two concurrent demotions of the last two admins
// cannot both see "another admin remains" and leave none.
async function assertNotLastAdmin(tx: Prisma.TransactionClient, targetId: string, verb: "demote" | "remove"): Promise<void> {
  const admins = await tx.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM app_user WHERE role = 'admin' FOR UPDATE`;
  const isAdmin = admins.some((a) => a.id === targetId);
  if (isAdmin && admins.length <= 1) {
    throw new AppError("CONFLICT", `Cannot ${verb} the last admin: make another user admin first.`);
  }
}

// Callers validate their input already; this keeps a bad value a 400, not a 500, when one does not.
function parseField<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AppError("INVALID_BODY", parsed.error.issues[0]?.message ?? "invalid value");
  return parsed.data;
}

function notFound(email: string): AppError {
  return new AppError("NOT_FOUND", `No user with the email ${email}.`);
}

// A role written by a newer or older version of the app grants nothing rather than crashing.
function parseRole(value: string): Role | null {
  const parsed = roleSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

function toSummary(row: SummaryRow): UserSummary {
  return { ...row, role: parseRole(row.role) ?? "unknown" };
}

function toCredentials(row: CredentialsRow): UserCredentials {
  return { ...row, role: parseRole(row.role) };
}
