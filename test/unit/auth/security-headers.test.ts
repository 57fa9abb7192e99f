import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, newNonce, securityHeaders } from "@/lib/security/headers";

describe("contentSecurityPolicy", () => {
  it("allows scripts only by nonce (strict-dynamic), forbids framing and plugins", () => {
    const csp = contentSecurityPolicy({ nonce: "abc123==", isDev: false, isHttps: false });
    expect(csp).toContain("script-src 'self' 'nonce-abc123==' 'strict-dynamic'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("upgrade-insecure-requests");
  });

  it("adds eval only in dev, and upgrade-insecure-requests only over https", () => {
    expect(contentSecurityPolicy({ nonce: "n", isDev: true, isHttps: false })).toContain("'unsafe-eval'");
    expect(contentSecurityPolicy({ nonce: "n", isDev: false, isHttps: true })).toContain("upgrade-insecure-requests");
  });
});

describe("newNonce", () => {
  it("is 16 random bytes in base64, fresh every call", () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });
});

describe("securityHeaders", () => {
  it("sends HSTS only over https", () => {
    expect(securityHeaders({ isHttps: false })).not.toHaveProperty("Strict-Transport-Security");
    expect(securityHeaders({ isHttps: true })).toHaveProperty("Strict-Transport-Security");
    expect(securityHeaders({ isHttps: false })).toMatchObject({ "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY" });
  });
});
