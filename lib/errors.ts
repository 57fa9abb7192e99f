import { logger } from "@/lib/observability/logger";

// The one error type of the /api/v1 surface. Codes are part of the contract (API.md): clients
// branch on `code`, humans read `message`.
const STATUS_BY_CODE = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_QUERY: 400,
  INVALID_BODY: 400,
  CONFLICT: 409,
  NOT_REDRIVABLE: 409,
  PAYLOAD_PURGED: 410,
  // The receiver's 401 (API.md §1); a rejection release that still does not verify overrides it to 409 (§5).
  SIGNATURE_MISMATCH: 401,
  QUEUE_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const satisfies Record<string, number>;

export type AppErrorCode = keyof typeof STATUS_BY_CODE;

export interface ErrorBody {
  error: { code: AppErrorCode; message: string };
}

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly status: number;

  /** `status` overrides the code's usual status where API.md gives one code two meanings. */
  constructor(code: AppErrorCode, message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options);
    this.name = "AppError";
    this.code = code;
    this.status = options?.status ?? STATUS_BY_CODE[code];
  }
}

/**
 * The HTTP answer for anything a route handler throws. AppErrors carry their own code and
 * message; everything else is a bug or an outage and becomes a bare 500 — its message may hold
 * SQL, hostnames or stack details, so it goes to the log only.
 */
export function toErrorResponse(err: unknown): Response {
  if (err instanceof AppError) return errorResponse(err.code, err.message, err.status);
  logger.error({ err }, "unhandled error in API route");
  return errorResponse("INTERNAL", "Internal server error.");
}

function errorResponse(code: AppErrorCode, message: string, status: number = STATUS_BY_CODE[code]): Response {
  const body: ErrorBody = { error: { code, message } };
  const headers = new Headers({ "Cache-Control": "no-store" });
  // RFC 6750: a 401 names the scheme the client should use.
  if (code === "UNAUTHENTICATED") headers.set("WWW-Authenticate", 'Bearer realm="smartcar-monitor"');
  return Response.json(body, { status, headers });
}
