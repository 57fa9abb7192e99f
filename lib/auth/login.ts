import { burnVerification, verifyPassword } from "@/lib/auth/passwords";
import { createFailureLimiter, type FailureLimiter } from "@/lib/auth/failure-limiter";
import type { Role } from "@/lib/auth/roles";
import { emailSchema } from "@/lib/auth/user-fields";
import { findUserByEmail, recordFailedLogin, recordSuccessfulLogin } from "@/lib/auth/users";
import { logger } from "@/lib/observability/logger";

// Checking a sign-in attempt: per-IP failure limit (in memory), then per-account lockout
// (in app_user, so it holds across restarts and instances), then the bcrypt comparison.

/** 5 failures in a row lock an account for 15 minutes; a password reset lifts the lock. */
export const ACCOUNT_LOCKOUT = { maxFailures: 5, lockMs: 15 * 60_000 } as const;

/** One address gets 20 failures per 15 minutes, across all accounts. */
const IP_LIMIT = { maxFailures: 20, windowMs: 15 * 60_000 } as const;

const globalForLimiter = globalThis as unknown as { smartcarLoginLimiter?: FailureLimiter };

// On globalThis: Next may load this module in more than one bundle, and a limiter per bundle
// would multiply the allowance.
function ipLimiter(): FailureLimiter {
  globalForLimiter.smartcarLoginLimiter ??= createFailureLimiter(IP_LIMIT);
  return globalForLimiter.smartcarLoginLimiter;
}

export type LoginRefusal = "invalid" | "locked" | "rate_limited";

export type LoginOutcome =
  | { ok: true; user: { id: string; email: string; name: string | null; role: Role; passwordHash: string } }
  | { ok: false; reason: LoginRefusal };

export async function verifyLogin(attempt: { email: string; password: string; ip: string }): Promise<LoginOutcome> {
  const limiter = ipLimiter();
  if (limiter.isBlocked(attempt.ip)) {
    logger.warn({ ip: attempt.ip }, "auth.login_rate_limited");
    return { ok: false, reason: "rate_limited" };
  }
  const refuse = (reason: LoginRefusal): LoginOutcome => {
    limiter.recordFailure(attempt.ip);
    logger.info({ ip: attempt.ip, reason }, "auth.login_refused");
    return { ok: false, reason };
  };

  const email = emailSchema.safeParse(attempt.email);
  const user = email.success ? await findUserByEmail(email.data) : null;
  if (!user?.role) {
    await burnVerification(attempt.password);
    return refuse("invalid");
  }
  // While locked the password is not even compared: a correct guess must look like any other.
  if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) return refuse("locked");

  if (!(await verifyPassword(attempt.password, user.passwordHash))) {
    const lockedUntil = await recordFailedLogin(user.id, ACCOUNT_LOCKOUT);
    if (lockedUntil) logger.warn({ userId: user.id, lockedUntil }, "auth.account_locked");
    return refuse(lockedUntil ? "locked" : "invalid");
  }
  await recordSuccessfulLogin(user.id);
  logger.info({ userId: user.id }, "auth.login_succeeded");
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, role: user.role, passwordHash: user.passwordHash } };
}
