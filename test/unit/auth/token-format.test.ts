import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bearerToken, generateApiToken, hashApiToken, isApiTokenFormat, tokenNameSchema } from "@/lib/auth/token-format";

describe("generateApiToken", () => {
  it("is sct_ + 32 random bytes in unpadded base64url", () => {
    const token = generateApiToken();
    expect(token).toMatch(/^sct_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice(4), "base64url")).toHaveLength(32);
    expect(isApiTokenFormat(token)).toBe(true);
  });

  it("never repeats", () => {
    const tokens = new Set(Array.from({ length: 100 }, generateApiToken));
    expect(tokens.size).toBe(100);
  });
});

describe("hashApiToken", () => {
  it("is the sha256 hex of the whole token, prefix included", () => {
    const token = "sct_" + "A".repeat(43);
    expect(hashApiToken(token)).toBe(createHash("sha256").update(token).digest("hex"));
    expect(hashApiToken(token)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("bearerToken", () => {
  const token = generateApiToken();

  it("reads the token from a Bearer header, any case of the scheme", () => {
    expect(bearerToken(`Bearer ${token}`)).toBe(token);
    expect(bearerToken(`bearer  ${token} `)).toBe(token);
  });

  it("ignores anything that is not a token-shaped Bearer credential", () => {
    expect(bearerToken(null)).toBeNull();
    expect(bearerToken(token)).toBeNull();
    expect(bearerToken(`Basic ${token}`)).toBeNull();
    expect(bearerToken(`Bearer ${token}x`)).toBeNull();
    expect(bearerToken(`Bearer ${token.replace("sct_", "sk_")}`)).toBeNull();
    expect(bearerToken(`Bearer ${token} extra`)).toBeNull();
  });
});

describe("tokenNameSchema", () => {
  it("accepts short names of letters, digits, dots, dashes and underscores", () => {
    expect(tokenNameSchema.safeParse("ci-bot_2.prod").success).toBe(true);
    expect(tokenNameSchema.safeParse("").success).toBe(false);
    expect(tokenNameSchema.safeParse("-leading").success).toBe(false);
    expect(tokenNameSchema.safeParse("has space").success).toBe(false);
    expect(tokenNameSchema.safeParse("x".repeat(65)).success).toBe(false);
  });
});
