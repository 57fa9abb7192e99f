// SC-Signature = lowercase hex HMAC-SHA256(Application Management Token, raw body bytes) — CONTRACT.md §3.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export type TokenSlot = "current" | "previous";

export type SignatureCheck =
  | { ok: true; slot: TokenSlot }
  | { ok: false; reason: "SIGNATURE_MISSING" | "SIGNATURE_MISMATCH" };

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
// UUID-like only: HMAC of arbitrary text would make the VERIFY answer a signing oracle (API.md §1 row 3).
const CHALLENGE = /^[A-Za-z0-9-]{1,128}$/;

export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

export function signBody(token: string, body: Uint8Array | string): string {
  return createHmac("sha256", token).update(body).digest("hex");
}

/**
 * Checks the exact bytes received — never a re-serialised parse, whose whitespace or key order may differ.
 * Hex is accepted in either case: the bytes it encodes are what is compared.
 */
export function verifySignature(input: {
  rawBody: Uint8Array;
  signature: string | null;
  tokens: { slot: TokenSlot; token: string }[];
}): SignatureCheck {
  const header = input.signature?.trim() ?? "";
  if (header.length === 0) return { ok: false, reason: "SIGNATURE_MISSING" };
  // A malformed header cannot match; rejecting it before decoding keeps timingSafeEqual's lengths equal.
  if (!SHA256_HEX.test(header)) return { ok: false, reason: "SIGNATURE_MISMATCH" };
  const received = Buffer.from(header, "hex");

  for (const { slot, token } of input.tokens) {
    // An empty key is a key anyone can sign with: fail closed rather than accept it.
    if (token.length === 0) continue;
    const expected = createHmac("sha256", token).update(input.rawBody).digest();
    // Never ===: a short-circuiting compare leaks how many leading bytes matched.
    if (timingSafeEqual(expected, received)) return { ok: true, slot };
  }
  return { ok: false, reason: "SIGNATURE_MISMATCH" };
}

export function isValidChallenge(value: unknown): value is string {
  return typeof value === "string" && CHALLENGE.test(value);
}

export function hashChallenge(token: string, challenge: string): string {
  // Callers must check first; this guard keeps a forgotten check from becoming a signing oracle.
  if (!isValidChallenge(challenge)) throw new Error("hashChallenge: challenge is not UUID-like");
  return signBody(token, challenge);
}

/** Identifies which token was tried in operator views without revealing it. */
export function tokenFingerprint(token: string): string {
  return sha256Hex(token).slice(0, 8);
}
