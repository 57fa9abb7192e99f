import { describe, expect, it } from "vitest";
import { loginPath, safeCallbackPath } from "@/lib/auth/callback-url";
import { clientIp } from "@/lib/auth/client-ip";
import { assertSameOrigin, isSameOrigin } from "@/lib/auth/same-origin";

const req = (headers: Record<string, string>, url?: string) => ({ headers: new Headers(headers), url });

describe("isSameOrigin", () => {
  it("accepts an Origin naming the Host the browser addressed", () => {
    expect(isSameOrigin(req({ origin: "http://127.0.0.1:3000", host: "127.0.0.1:3000" }))).toBe(true);
    expect(isSameOrigin(req({ origin: "https://Monitor.Example.com", host: "monitor.example.com" }))).toBe(true);
  });

  it("accepts the forwarded host behind a proxy, and the request URL's host", () => {
    expect(isSameOrigin(req({ origin: "https://monitor.example.com", host: "app:3000", "x-forwarded-host": "monitor.example.com" }))).toBe(true);
    expect(isSameOrigin(req({ origin: "http://localhost" }, "http://localhost/api/v1/x"))).toBe(true);
  });

  it("refuses a missing, opaque, malformed or foreign Origin", () => {
    expect(isSameOrigin(req({ host: "127.0.0.1:3000" }))).toBe(false);
    expect(isSameOrigin(req({ origin: "null", host: "127.0.0.1:3000" }))).toBe(false);
    expect(isSameOrigin(req({ origin: "not a url", host: "127.0.0.1:3000" }))).toBe(false);
    expect(isSameOrigin(req({ origin: "http://127.0.0.1:3001", host: "127.0.0.1:3000" }))).toBe(false);
    expect(isSameOrigin(req({ origin: "https://evil.example", host: "monitor.example.com" }, "https://monitor.example.com/x"))).toBe(false);
  });

  it("assertSameOrigin throws 403 FORBIDDEN", () => {
    expect(() => assertSameOrigin(req({ origin: "https://evil.example", host: "a" }))).toThrow(expect.objectContaining({ code: "FORBIDDEN", status: 403 }));
  });
});

describe("safeCallbackPath / loginPath", () => {
  it("keeps paths on this site, query included", () => {
    expect(safeCallbackPath("/events?status=DEAD_LETTERED")).toBe("/events?status=DEAD_LETTERED");
    expect(loginPath("/admin/users")).toBe("/login?callbackUrl=%2Fadmin%2Fusers");
  });

  it("turns anything that could leave the site, or loop, into /", () => {
    for (const value of [null, undefined, "", "https://evil.example/", "//evil.example", "/\\evil.example", "/x\nSet-Cookie: a", "/login", "/login?callbackUrl=%2F"]) {
      expect(safeCallbackPath(value), String(value)).toBe("/");
    }
    expect(loginPath("//evil.example")).toBe("/login");
  });
});

describe("clientIp", () => {
  it("takes the last X-Forwarded-For hop: the one the nearest proxy saw", () => {
    expect(clientIp(new Headers({ "x-forwarded-for": "6.6.6.6, 203.0.113.9" }))).toBe("203.0.113.9");
    expect(clientIp(new Headers({ "x-forwarded-for": "::ffff:127.0.0.1" }))).toBe("::ffff:127.0.0.1");
    expect(clientIp(new Headers())).toBe("unknown");
  });
});
