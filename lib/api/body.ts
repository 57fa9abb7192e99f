import type { z } from "zod";
import { AppError } from "@/lib/errors";

// Edge parsing of /api/v1 JSON bodies: an empty body reads as {} (every field optional), anything
// else must be JSON matching `schema`, or the answer is 400 INVALID_BODY naming what is wrong.
export async function parseJsonBody<S extends z.ZodType>(schema: S, request: Request): Promise<z.output<S>> {
  const text = await request.text();
  let json: unknown = {};
  if (text.trim() !== "") {
    try {
      json = JSON.parse(text);
    } catch {
      throw new AppError("INVALID_BODY", "The body is not valid JSON.");
    }
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
    throw new AppError("INVALID_BODY", `Invalid body: ${problems}`);
  }
  return parsed.data;
}
