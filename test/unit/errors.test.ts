import { describe, expect, it, vi } from "vitest";
import { AppError, toErrorResponse } from "@/lib/errors";
import { logger } from "@/lib/observability/logger";

describe("toErrorResponse", () => {
  it.each([
    ["UNAUTHENTICATED", 401],
    ["FORBIDDEN", 403],
    ["NOT_FOUND", 404],
    ["INVALID_QUERY", 400],
    ["NOT_REDRIVABLE", 409],
    ["PAYLOAD_PURGED", 410],
  ] as const)("answers %s with %i and the error body", async (code, status) => {
    const response = toErrorResponse(new AppError(code, "what happened"));
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ error: { code, message: "what happened" } });
  });

  it("names the Bearer scheme on a 401", () => {
    expect(toErrorResponse(new AppError("UNAUTHENTICATED", "no")).headers.get("www-authenticate")).toMatch(/^Bearer /);
    expect(toErrorResponse(new AppError("FORBIDDEN", "no")).headers.get("www-authenticate")).toBeNull();
  });

  it("turns anything else into a bare 500 and logs the details instead", async () => {
    const logged = vi.spyOn(logger, "error").mockImplementation(() => undefined);
    const internal = new Error('connect ECONNREFUSED db.internal:5432 password "hunter2"');

    const response = toErrorResponse(internal);

    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: { code: "INTERNAL", message: "Internal server error." } });
    expect(text).not.toMatch(/ECONNREFUSED|hunter2|db\.internal/);
    expect(logged).toHaveBeenCalledWith({ err: internal }, expect.any(String));
    logged.mockRestore();
  });

  it("handles thrown non-errors", async () => {
    const logged = vi.spyOn(logger, "error").mockImplementation(() => undefined);
    expect(toErrorResponse("a string").status).toBe(500);
    logged.mockRestore();
  });
});
