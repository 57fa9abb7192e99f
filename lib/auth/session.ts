import "server-only";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { loginPath, REQUEST_PATH_HEADER } from "@/lib/auth/callback-url";
import { hasRole, type Role } from "@/lib/auth/roles";
import { userFromCookieHeader, type UserPrincipal } from "@/lib/auth/session-user";

// Session helpers for server components, pages and server actions. Each render re-reads the
// user from the database (once per request, through React's cache), never trusting the cookie
// for more than the user id.

/** The signed-in user, or null for an anonymous request or a session that no longer matches a user. */
export const currentUser = cache(async (): Promise<UserPrincipal | null> => userFromCookieHeader((await headers()).get("cookie")));

/**
 * The signed-in user holding at least `role`. Anonymous → redirect to /login with a callbackUrl
 * back here; a role too low → the 403 page (app/forbidden.tsx). Call it in every page and data
 * function that needs a role: layouts are not re-rendered on every navigation.
 */
export async function requireUser(role: Role): Promise<UserPrincipal> {
  const user = await currentUser();
  if (!user) redirect(loginPath((await headers()).get(REQUEST_PATH_HEADER)));
  if (!hasRole(user.role, role)) forbidden();
  return user;
}
