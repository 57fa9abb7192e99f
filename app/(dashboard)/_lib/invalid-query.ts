import { AppError } from "@/lib/errors";

export type QueryOutcome<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * Runs a DAL read whose input came from the URL. A refused query (INVALID_QUERY: a stale or
 * hand-edited cursor, a backwards range) becomes a message for the page; anything else is a real
 * failure and goes on to the widget's error boundary.
 */
export async function readWithQuery<T>(read: () => Promise<T>): Promise<QueryOutcome<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (err) {
    if (err instanceof AppError && err.code === "INVALID_QUERY") return { ok: false, message: err.message };
    throw err;
  }
}

/** A zod error on URL parameters, as one line. */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `${i.path.map(String).join(".") || "query"}: ${i.message}`).join("; ");
}
