import { AppError } from "@/lib/errors";
import { authenticateBearer, type TokenPrincipal } from "@/lib/auth/api-tokens";
import { hasRole, type Role } from "@/lib/auth/roles";

/** Who is calling. Session (cookie) principals join this union when next-auth lands. */
export type Principal = TokenPrincipal;

/**
 * The principal of a request holding at least `required`, or an AppError: UNAUTHENTICATED for
 * missing/invalid credentials, FORBIDDEN for a role too low. Every /api/v1 handler and server
 * action calls this itself — the proxy matcher is never the only gate.
 */
export async function requireRole(request: Request, required: Role): Promise<Principal> {
  const principal = await authenticate(request);
  if (!principal) throw new AppError("UNAUTHENTICATED", "Missing or invalid credentials: send `Authorization: Bearer <api token>`.");
  if (!hasRole(principal.role, required)) throw new AppError("FORBIDDEN", `This needs the ${required} role.`);
  return principal;
}

// The single place credentials are resolved: the next-auth session lookup (cookie) slots in
// here as a fallback when no Authorization header is sent, so every caller gets it at once.
async function authenticate(request: Request): Promise<Principal | null> {
  return authenticateBearer(request.headers.get("authorization"));
}
