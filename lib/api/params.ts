import { z } from "zod";
import { AppError } from "@/lib/errors";

// Edge parsing for /api route handlers: path params and query strings are untrusted input.

/** eventIds are Smartcar UUIDs or "v2:<sha256>"; vehicleIds are Smartcar UUIDs. Opaque to us. */
export const resourceIdSchema = z.string().min(1).max(256);

/** A path that cannot name a resource names none: 404, not 400. */
export function parsePathParams<S extends z.ZodType>(schema: S, params: unknown): z.output<S> {
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw new AppError("NOT_FOUND", "No such resource.");
  return parsed.data;
}

/** The request's query string against `schema` (a repeated key keeps its last value); 400 INVALID_QUERY otherwise. */
export function parseQuery<S extends z.ZodType>(schema: S, request: Request): z.output<S> {
  const query = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "query"}: ${i.message}`).join("; ");
    throw new AppError("INVALID_QUERY", `Invalid query: ${problems}`);
  }
  return parsed.data;
}
