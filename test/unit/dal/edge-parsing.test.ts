import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseJsonBody } from "@/lib/api/body";
import { decodeCursor, encodeCursor } from "@/lib/dal/cursor";
import { resolveRange, toWholeHours } from "@/lib/dal/time-range";
import { AppError, toErrorResponse } from "@/lib/errors";

const schema = z.object({ r: z.iso.datetime(), e: z.string() });

describe("cursors", () => {
  it("round-trip through an opaque base64url string", () => {
    const cursor = encodeCursor({ r: "2026-01-10T12:00:00.123Z", e: "ev-1" });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(schema, cursor)).toEqual({ r: "2026-01-10T12:00:00.123Z", e: "ev-1" });
  });

  it.each([["garbage!"], [Buffer.from("not json").toString("base64url")], [encodeCursor({ r: "yesterday", e: "x" })], [encodeCursor({ e: "x" })]])(
    "turn %s into 400 INVALID_QUERY",
    (cursor) => {
      expect(() => decodeCursor(schema, cursor)).toThrow(expect.objectContaining({ code: "INVALID_QUERY", status: 400 }));
    },
  );
});

describe("resolveRange", () => {
  const now = new Date("2026-01-10T12:30:00.000Z");

  it("defaults to the last N hours up to now", () => {
    expect(resolveRange({}, { defaultHours: 24, maxHours: 48, now })).toEqual({ from: new Date("2026-01-09T12:30:00.000Z"), to: now });
    const to = new Date("2026-01-05T00:00:00Z");
    expect(resolveRange({ to }, { defaultHours: 2, maxHours: 48, now })).toEqual({ from: new Date("2026-01-04T22:00:00Z"), to });
  });

  it("refuses backwards, empty and too long ranges", () => {
    const at = new Date("2026-01-01T00:00:00Z");
    expect(() => resolveRange({ from: at, to: at }, { defaultHours: 1, maxHours: 48, now })).toThrow(/before/);
    expect(() => resolveRange({ from: new Date("2025-01-01T00:00:00Z") }, { defaultHours: 1, maxHours: 48, now })).toThrow(/at most 48 hours/);
  });

  it("widens to whole UTC hours for the rollups", () => {
    expect(toWholeHours({ from: new Date("2026-01-10T10:59:59.999Z"), to: new Date("2026-01-10T12:00:00.001Z") })).toEqual({
      from: new Date("2026-01-10T10:00:00.000Z"),
      to: new Date("2026-01-10T13:00:00.000Z"),
    });
  });
});

describe("parseJsonBody", () => {
  const body = z.strictObject({ force: z.boolean().default(false) });
  const post = (text?: string) => new Request("http://localhost/x", { method: "POST", body: text });

  it("reads an empty body as {} and a JSON body through the schema", async () => {
    expect(await parseJsonBody(body, post())).toEqual({ force: false });
    expect(await parseJsonBody(body, post('{"force": true}'))).toEqual({ force: true });
  });

  it.each([["{nope"], ['{"force": 1}'], ['{"other": true}'], ["[]"]])("answers 400 INVALID_BODY for %s", async (text) => {
    await expect(parseJsonBody(body, post(text))).rejects.toMatchObject({ code: "INVALID_BODY", status: 400 });
  });
});

describe("AppError status override", () => {
  it("keeps the code and answers the overriding status", async () => {
    const response = toErrorResponse(new AppError("SIGNATURE_MISMATCH", "still wrong", { status: 409 }));
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ error: { code: "SIGNATURE_MISMATCH", message: "still wrong" } });
    expect(toErrorResponse(new AppError("SIGNATURE_MISMATCH", "x")).status).toBe(401);
  });
});
