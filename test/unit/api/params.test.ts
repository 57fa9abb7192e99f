import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parsePathParams, parseQuery, resourceIdSchema } from "@/lib/api/params";
import { AppError } from "@/lib/errors";

const params = z.object({ eventId: resourceIdSchema });

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected a throw");
}

describe("parsePathParams", () => {
  it("returns the parsed params", () => {
    expect(parsePathParams(params, { eventId: "v2:abc" })).toEqual({ eventId: "v2:abc" });
  });

  it("answers 404 for a path that cannot name a resource", () => {
    const err = thrown(() => parsePathParams(params, { eventId: "x".repeat(257) }));
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: "NOT_FOUND", status: 404 });
  });
});

describe("parseQuery", () => {
  const query = z.object({ deep: z.enum(["0", "1"]).optional() });

  it("parses the query string", () => {
    expect(parseQuery(query, new Request("http://x/api/health?deep=1"))).toEqual({ deep: "1" });
    expect(parseQuery(query, new Request("http://x/api/health"))).toEqual({});
  });

  it("answers 400 INVALID_QUERY naming the bad parameter", () => {
    const err = thrown(() => parseQuery(query, new Request("http://x/api/health?deep=yes")));
    expect(err).toMatchObject({ code: "INVALID_QUERY", status: 400 });
    expect(err instanceof AppError && err.message).toMatch(/^Invalid query: deep:/);
  });
});
