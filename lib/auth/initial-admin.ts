import { chmodSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { z } from "zod";
import { SYSTEM_ACTOR } from "@/lib/audit";
import { PrismaClient } from "@/lib/db/generated/client";
import { errorCode } from "@/lib/db/error-code";
import { generatePassword, passwordSchema } from "@/lib/auth/passwords";
import { emailSchema } from "@/lib/auth/user-fields";
import { createUser, hasAdmin } from "@/lib/auth/users";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/observability/logger";

// First run: a fresh installation gets one admin, so there is always a way in. ADMIN_EMAIL /
// ADMIN_PASSWORD (API.md §7) choose it; without a password one is generated and written to a
// file only the owner can read. The password itself never reaches a log line.

export const INITIAL_ADMIN_FILE = "initial-admin.txt";

const settingsSchema = z.object({
  ADMIN_EMAIL: z.preprocess((v) => (v === "" ? undefined : v), emailSchema.default("admin@localhost")),
  ADMIN_PASSWORD: z.preprocess((v) => (v === "" ? undefined : v), passwordSchema.optional()),
});

export type InitialAdminOutcome =
  | { kind: "exists" }
  | { kind: "created"; email: string; passwordSource: "ADMIN_PASSWORD" }
  | { kind: "created"; email: string; passwordSource: "generated"; passwordFile: string }
  | { kind: "email_taken"; email: string };

/**
 * Creates the first admin when the database has none, and says so in the log. Runs in the
 * launcher before the app starts, with its own short-lived client: the launcher's configuration
 * was read before the database URL was known.
 */
export async function ensureInitialAdmin(options: {
  databaseUrl: string;
  dataDir: string;
  env: Record<string, string | undefined>;
}): Promise<InitialAdminOutcome> {
  const outcome = await createInitialAdmin(options);
  switch (outcome.kind) {
    case "exists":
      break;
    case "created":
      if (outcome.passwordSource === "generated") {
        logger.warn({ email: outcome.email, passwordFile: outcome.passwordFile }, "auth.initial_admin_created: the password is in passwordFile (mode 0600)");
      } else {
        logger.info({ email: outcome.email }, "auth.initial_admin_created with ADMIN_PASSWORD");
      }
      break;
    case "email_taken":
      logger.warn(
        { email: outcome.email },
        "auth.initial_admin_skipped: no admin exists and ADMIN_EMAIL belongs to another user (or another instance just created it); use `npm run users -- add`",
      );
      break;
  }
  return outcome;
}

async function createInitialAdmin(options: {
  databaseUrl: string;
  dataDir: string;
  env: Record<string, string | undefined>;
}): Promise<InitialAdminOutcome> {
  const settings = settingsSchema.safeParse(options.env);
  if (!settings.success) {
    const problems = settings.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const { ADMIN_EMAIL: email, ADMIN_PASSWORD: configured } = settings.data;

  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: options.databaseUrl }) });
  try {
    if (await hasAdmin(db)) return { kind: "exists" };
    const password = configured ?? generatePassword();
    try {
      await createUser({ email, role: "admin", password, name: "Administrator" }, SYSTEM_ACTOR, db);
    } catch (err) {
      // Another instance starting at the same moment created it, or a non-admin user holds the
      // email: either way this start must not overwrite anyone's password.
      if (err instanceof AppError && err.code === "CONFLICT") return { kind: "email_taken", email };
      throw err;
    }
    if (configured) return { kind: "created", email, passwordSource: "ADMIN_PASSWORD" };
    return { kind: "created", email, passwordSource: "generated", passwordFile: writePasswordFile(options.dataDir, email, password) };
  } finally {
    await db.$disconnect();
  }
}

function writePasswordFile(dataDir: string, email: string, password: string): string {
  const file = path.resolve(dataDir, INITIAL_ADMIN_FILE);
  const text = [
    "Smartcar Monitor: first admin account",
    `email: ${email}`,
    `password: ${password}`,
    "",
    "Sign in, set a password of your own on /admin/users (or `npm run users -- reset <email>`),",
    "then delete this file.",
    "",
  ].join("\n");
  try {
    // mode applies only when the file is created; chmod covers a leftover from an earlier database.
    writeFileSync(file, text, { mode: 0o600 });
    chmodSync(file, 0o600);
  } catch (err) {
    throw new Error(
      `Created the admin ${email} but could not write ${file} (${errorCode(err) ?? "error"}): set a password with \`npm run users -- reset ${email}\`.`,
      { cause: err },
    );
  }
  return file;
}
