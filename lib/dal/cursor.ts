import type { z } from "zod";
import { AppError } from "@/lib/errors";

// Opaque keyset cursors: base64url of a small JSON object naming the last row of a page. Opaque
// so clients cannot come to rely on its fields; parsed back with a schema because a cursor is
// input like any other.

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position), "utf8").toString("base64url");
}

/** The position a cursor names, or 400 INVALID_QUERY for anything this API did not issue. */
export function decodeCursor<S extends z.ZodType>(schema: S, cursor: string): z.output<S> {
  const parsed = schema.safeParse(parseJson(Buffer.from(cursor, "base64url").toString("utf8")));
  if (!parsed.success) throw new AppError("INVALID_QUERY", "Invalid query: cursor: not a cursor this endpoint returned.");
  return parsed.data;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
