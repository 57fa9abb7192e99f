import { describe, expect, it } from "vitest";
import {
  hashChallenge,
  isValidChallenge,
  signBody,
  tokenFingerprint,
  verifySignature,
} from "@/lib/smartcar/signature";
import { fixtureBytes } from "./load-fixture";

const enc = new TextEncoder();
const CURRENT = "amt-current-0123456789";
const PREVIOUS = "amt-previous-9876543210";
const TOKENS = [
  { slot: "current" as const, token: CURRENT },
  { slot: "previous" as const, token: PREVIOUS },
];

describe("signBody (CONTRACT.md §3 test vectors)", () => {
  it("signs the string 'challenge' with key amt", () => {
    expect(signBody("amt", "challenge")).toBe("9baf5a7464bd86740ad5a06e439dcf535a075022ed2c92d74efacf646d79328e");
  });

  it("signs raw bytes of {\"pizza\":\"pasta\"} with key amt", () => {
    expect(signBody("amt", enc.encode('{"pizza":"pasta"}'))).toBe(
      "4c05a8da471f05156ad717baa4017acd13a3a809850b9ca7d3301dcaaa854f70",
    );
  });
});

describe("verifySignature", () => {
  const rawBody = fixtureBytes("vehicle-state.real-shape.json");

  it("accepts a body signed with the current token", () => {
    const signature = signBody(CURRENT, rawBody);
    expect(verifySignature({ rawBody, signature, tokens: TOKENS })).toEqual({ ok: true, slot: "current" });
  });

  it("accepts a body signed with the previous token and reports that slot", () => {
    const signature = signBody(PREVIOUS, rawBody);
    expect(verifySignature({ rawBody, signature, tokens: TOKENS })).toEqual({ ok: true, slot: "previous" });
  });

  it("tries tokens in order", () => {
    const signature = signBody(CURRENT, rawBody);
    const tokens = [
      { slot: "previous" as const, token: CURRENT },
      { slot: "current" as const, token: CURRENT },
    ];
    expect(verifySignature({ rawBody, signature, tokens })).toEqual({ ok: true, slot: "previous" });
  });

  it("rejects a body with one byte changed", () => {
    const signature = signBody(CURRENT, rawBody);
    const tampered = Uint8Array.from(rawBody);
    const index = tampered.indexOf("8".charCodeAt(0));
    expect(index).toBeGreaterThanOrEqual(0);
    tampered[index] = "9".charCodeAt(0);
    expect(verifySignature({ rawBody: tampered, signature, tokens: TOKENS })).toEqual({
      ok: false,
      reason: "SIGNATURE_MISMATCH",
    });
  });

  it("rejects the same JSON re-serialised: only the raw bytes count", () => {
    const signature = signBody(CURRENT, rawBody);
    const reformatted = enc.encode(JSON.stringify(JSON.parse(new TextDecoder().decode(rawBody))));
    expect(reformatted.length).toBeLessThan(rawBody.length);
    expect(verifySignature({ rawBody: reformatted, signature, tokens: TOKENS })).toEqual({
      ok: false,
      reason: "SIGNATURE_MISMATCH",
    });
  });

  it.each([null, "", "   "])("reports a missing header (%j)", (signature) => {
    expect(verifySignature({ rawBody, signature, tokens: TOKENS })).toEqual({
      ok: false,
      reason: "SIGNATURE_MISSING",
    });
  });

  it("rejects a signature made with an unknown token", () => {
    const signature = signBody("someone-else", rawBody);
    expect(verifySignature({ rawBody, signature, tokens: TOKENS })).toEqual({
      ok: false,
      reason: "SIGNATURE_MISMATCH",
    });
  });

  it.each([
    ["garbage", "not-a-signature"],
    ["64 non-hex chars", "z".repeat(64)],
    ["too short", signBody(CURRENT, enc.encode("x")).slice(0, 63)],
    ["odd length", `${signBody(CURRENT, enc.encode("x"))}a`],
    ["two signatures glued together", signBody(CURRENT, enc.encode("x")).repeat(2)],
    ["sha256= prefix", `sha256=${signBody(CURRENT, enc.encode("x"))}`],
  ])("rejects a malformed header without throwing (%s)", (_label, signature) => {
    const body = enc.encode("x");
    expect(verifySignature({ rawBody: body, signature, tokens: TOKENS })).toEqual({
      ok: false,
      reason: "SIGNATURE_MISMATCH",
    });
  });

  it("accepts upper-case hex and surrounding whitespace", () => {
    const signature = `  ${signBody(CURRENT, rawBody).toUpperCase()}\t`;
    expect(verifySignature({ rawBody, signature, tokens: TOKENS })).toEqual({ ok: true, slot: "current" });
  });

  it("never matches with an empty token, even for a body signed with the empty key", () => {
    const signature = signBody("", rawBody);
    expect(verifySignature({ rawBody, signature, tokens: [{ slot: "current", token: "" }] })).toEqual({
      ok: false,
      reason: "SIGNATURE_MISMATCH",
    });
  });

  it("rejects everything when no token is configured", () => {
    const signature = signBody(CURRENT, rawBody);
    expect(verifySignature({ rawBody, signature, tokens: [] })).toEqual({ ok: false, reason: "SIGNATURE_MISMATCH" });
  });
});

describe("challenges", () => {
  it("accepts a UUID and alphanumerics up to 128 characters", () => {
    expect(isValidChallenge("d302d7bd-3d5a-487d-a162-bbaaca71705e")).toBe(true);
    expect(isValidChallenge("a".repeat(128))).toBe(true);
  });

  it.each([
    ["JSON smuggled as challenge", '{"eventId":"x"}'],
    ["129 characters", "a".repeat(129)],
    ["empty", ""],
    ["trailing newline", "abc\n"],
    ["spaces", "abc def"],
    ["non-ASCII letters", "caf\u00e9"],
  ])("refuses %s", (_label, challenge) => {
    expect(isValidChallenge(challenge)).toBe(false);
  });

  it.each([null, undefined, 42, ["abc"], { challenge: "abc" }])("refuses the non-string %j", (challenge) => {
    expect(isValidChallenge(challenge)).toBe(false);
  });

  it("hashes a valid challenge as HMAC(token, challenge)", () => {
    expect(hashChallenge("amt", "challenge")).toBe("9baf5a7464bd86740ad5a06e439dcf535a075022ed2c92d74efacf646d79328e");
  });

  it("refuses to hash anything that is not a valid challenge (no signing oracle)", () => {
    expect(() => hashChallenge("amt", '{"pizza":"pasta"}')).toThrow();
  });
});

describe("tokenFingerprint", () => {
  it("is the first 8 hex chars of sha256(token)", () => {
    expect(tokenFingerprint("amt")).toBe("9ff675fc");
  });

  it("tells tokens apart without containing them", () => {
    expect(tokenFingerprint("amt2")).toBe("6f2606e7");
    expect(tokenFingerprint(CURRENT)).toMatch(/^[0-9a-f]{8}$/);
    expect(tokenFingerprint(CURRENT)).not.toBe(tokenFingerprint(PREVIOUS));
  });
});
