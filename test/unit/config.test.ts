import { describe, expect, it } from "vitest";
import { managementTokens, parseEnv, resolveQueueMode } from "@/lib/config";

describe("parseEnv", () => {
  it("applies the documented defaults", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ EMBEDDED_PG_PORT: 54329, QUEUE_MODE: "auto", WEBHOOK_MAX_BODY_BYTES: 65_536, QUARANTINE_HOURS: 72, APPLY_TEST_EVENTS: false, PORT: 3000 });
  });

  it("treats empty strings as unset and reads booleans strictly", () => {
    expect(parseEnv({ DATABASE_URL: "", APPLY_TEST_EVENTS: "true" })).toMatchObject({ DATABASE_URL: undefined, APPLY_TEST_EVENTS: true });
    expect(() => parseEnv({ APPLY_TEST_EVENTS: "yes" })).toThrow(/APPLY_TEST_EVENTS/);
    expect(() => parseEnv({ WEBHOOK_MAX_BODY_BYTES: "-1" })).toThrow(/WEBHOOK_MAX_BODY_BYTES/);
  });
});

describe("resolveQueueMode", () => {
  it("runs the embedded executor when nothing is configured", () => {
    expect(resolveQueueMode(parseEnv({}))).toBe("embedded");
  });

  it("uses Inngest when keys or a base URL are set", () => {
    expect(resolveQueueMode(parseEnv({ INNGEST_EVENT_KEY: "k" }))).toBe("inngest");
    expect(resolveQueueMode(parseEnv({ INNGEST_BASE_URL: "http://127.0.0.1:8288" }))).toBe("inngest");
    expect(resolveQueueMode(parseEnv({ QUEUE_MODE: "inngest" }))).toBe("inngest");
  });

  it("lets QUEUE_MODE=embedded override configured keys", () => {
    expect(resolveQueueMode(parseEnv({ QUEUE_MODE: "embedded", INNGEST_EVENT_KEY: "k" }))).toBe("embedded");
  });

  it("uses a dev server for INNGEST_DEV, but refuses it on Vercel and with the embedded executor", () => {
    expect(resolveQueueMode(parseEnv({ INNGEST_DEV: "http://127.0.0.1:8288" }))).toBe("inngest-dev");
    expect(() => resolveQueueMode(parseEnv({ INNGEST_DEV: "1", VERCEL: "1" }))).toThrow(/refused on Vercel/);
    expect(() => resolveQueueMode(parseEnv({ INNGEST_DEV: "1", QUEUE_MODE: "embedded" }))).toThrow(/INNGEST_DEV/);
  });
});

describe("managementTokens", () => {
  it("tries the current token before the previous one and skips unset slots", () => {
    expect(managementTokens(parseEnv({ SMARTCAR_MANAGEMENT_TOKEN: "a", SMARTCAR_MANAGEMENT_TOKEN_PREVIOUS: "b" }))).toEqual([
      { slot: "current", token: "a" },
      { slot: "previous", token: "b" },
    ]);
    expect(managementTokens(parseEnv({ SMARTCAR_MANAGEMENT_TOKEN_PREVIOUS: "b" }))).toEqual([{ slot: "previous", token: "b" }]);
    expect(managementTokens(parseEnv({}))).toEqual([]);
  });
});
