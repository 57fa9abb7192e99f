/** The `code` of a thrown value: a SQLSTATE from pg, or an errno name (ENOENT, ECONNREFUSED…) from Node. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error && typeof error.code === "string") return error.code;
  return undefined;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const CONNECTION_ERROR_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN"]);

/** Whether an error means "the database is unreachable" rather than "this statement is wrong". */
export function isUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = errorCode(error) ?? "";
  if (CONNECTION_ERROR_CODES.has(code)) return true;
  // A Unix-socket URL (the embedded database) fails this way while the server is stopped.
  if (code === "ENOENT" && "syscall" in error && error.syscall === "connect") return true;
  // SQLSTATE class 08 (connection exception), 57P0x (admin/crash shutdown), 53300 (too many connections).
  if (code.startsWith("08") || code.startsWith("57P") || code === "53300") return true;
  // The pool waiting too long for a connection, or the receiver for a statement slot (statement-batcher.ts).
  return /timeout exceeded (when trying to connect|waiting for a statement slot)|Connection terminated|connect ECONNREFUSED/i.test(error.message);
}
