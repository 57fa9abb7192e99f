import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";

// The shape of an API token (API.md §8): `sct_` + 32 random bytes in base64url, stored only as
// its sha256 hex. Pure, so the CLI can check input before it starts a database.

// 32 bytes in unpadded base64url are 43 characters.
const TOKEN_PATTERN = /^sct_[A-Za-z0-9_-]{43}$/;

export const tokenNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "a token name is 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit");

export function generateApiToken(): string {
  return "sct_" + randomBytes(32).toString("base64url");
}

export function hashApiToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function isApiTokenFormat(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

/** The token of an `Authorization: Bearer sct_…` header; null when absent or not token-shaped. */
/** The credential of an `Authorization: Bearer <value>` header, whatever its format. */
export function bearerValue(header: string | null): string | null {
  return header?.match(/^Bearer[ \t]+(\S+)[ \t]*$/i)?.[1] ?? null;
}

export function bearerToken(header: string | null): string | null {
  const token = bearerValue(header);
  return token && isApiTokenFormat(token) ? token : null;
}
