import { AppError } from "@/lib/errors";
import { authenticateBearer, type TokenPrincipal } from "@/lib/auth/api-tokens";
import { hasRole, type Role } from "@/lib/auth/roles";
import { assertSameOrigin } from "@/lib/auth/same-origin";
import { userFromCookieHeader, type UserPrincipal } from "@/lib/auth/session-user";

/** Who is calling: an API token (Bearer) or a signed-in user (session cookie). */
export type Principal = TokenPrincipal | UserPrincipal;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The principal of a request holding at least `required`, or an AppError: UNAUTHENTICATED for
 * missing/invalid credentials, FORBIDDEN for a role too low or a cookie-authenticated change
 * from another origin. Every /api/v1 handler calls this itself — the proxy matcher is never
 * the only gate.
 */
export async function requireRole(request: Request, required: Role): Promise<Principal> {
  const principal = await authenticate(request);
  if (!principal) {
    throw new AppError("UNAUTHENTICATED", "Missing or invalid credentials: send `Authorization: Bearer <api token>` or sign in.");
  }
  if (!hasRole(principal.role, required)) throw new AppError("FORBIDDEN", `This needs the ${required} role.`);
  return principal;
}

// The single place credentials are resolved. An Authorization header decides alone: a bad
// token is a 401 even when a session cookie rides along, so a script never acts as whoever
// happens to be signed in in the same browser.
async function authenticate(request: Request): Promise<Principal | null> {
  const authorization = request.headers.get("authorization");
  if (authorization !== null) return authenticateBearer(authorization);
  const user = await userFromCookieHeader(request.headers.get("cookie"));
  // Browsers attach cookies to cross-site requests too; only Origin tells them apart.
  if (user && !SAFE_METHODS.has(request.method)) assertSameOrigin(request);
  return user;
}
