import { createHash, randomBytes } from "node:crypto";
import bcrypt from "bcryptjs";
import { z } from "zod";

// Password hashing for app_user. bcrypt (pure JS, so no native build) at cost 12: ~0.27 s per
// hash on this project's 2-core machines, which is what makes an offline guess expensive.
const BCRYPT_COST = 12;

// bcrypt reads only the first 72 bytes of its input: a longer password would silently be
// truncated, so it is refused rather than accepted with a false sense of strength.
const BCRYPT_MAX_BYTES = 72;

export const passwordSchema = z
  .string()
  .min(12, "a password needs at least 12 characters")
  .refine((p) => Buffer.byteLength(p, "utf8") <= BCRYPT_MAX_BYTES, `a password can be at most ${BCRYPT_MAX_BYTES} bytes`);

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_COST);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

// Compared against when the email is unknown, so that answer takes as long as a wrong password.
// Made on first use: hashing at import would cost every CLI run a quarter of a second.
let dummyHash: Promise<string> | undefined;

/** Spends the time of one verification without a user: no timing oracle for which emails exist. */
export async function burnVerification(password: string): Promise<void> {
  dummyHash ??= bcrypt.hash("no-such-user-placeholder", BCRYPT_COST);
  await bcrypt.compare(password, await dummyHash);
}

/** 18 random bytes → 24 base64url characters (~144 bits): for first-run admins and CLI resets. */
export function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}

/**
 * A short digest of the stored hash, carried inside the (encrypted) session token: a password
 * change produces a new hash, so every session issued before it stops matching and ends.
 */
export function passwordFingerprint(passwordHash: string): string {
  return createHash("sha256").update(passwordHash, "utf8").digest("base64url").slice(0, 22);
}
