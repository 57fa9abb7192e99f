import { getToken } from "next-auth/jwt";
import { z } from "zod";
import { env } from "@/lib/config";
import { passwordFingerprint } from "@/lib/auth/passwords";
import type { Role } from "@/lib/auth/roles";
import { findUserById } from "@/lib/auth/users";

// The user behind a session cookie, re-read from the database on every request: a removed user
// is anonymous at once, a role change applies to the next request, and a password reset ends
// every session issued before it (the token carries a fingerprint of the hash it was issued for).

export interface UserPrincipal {
  kind: "user";
  id: string;
  email: string;
  name: string | null;
  role: Role;
}

// Auth.js names the cookie by scheme: the __Secure- variant over https. A browser only stores a
// __Secure- cookie from an https response, and either value must decrypt with AUTH_SECRET
// under its own name as salt, so accepting both lets nothing in that the secret would not.
const SESSION_COOKIE_NAMES = ["__Secure-authjs.session-token", "authjs.session-token"] as const;

/** The claims this app puts in its session token (lib/auth/next-auth.ts). */
const claimsSchema = z.object({ sub: z.string(), pwf: z.string() });

export async function userFromCookieHeader(cookieHeader: string | null): Promise<UserPrincipal | null> {
  // Most API calls carry no cookie: no decryption, no query.
  if (!cookieHeader?.includes("authjs.session-token")) return null;
  const secret = env().AUTH_SECRET;
  if (!secret) return null;
  // Only the cookie is handed over: getToken would otherwise fall back to an Authorization header.
  const req = { headers: new Headers({ cookie: cookieHeader }) };
  for (const cookieName of SESSION_COOKIE_NAMES) {
    const token = await getToken({ req, secret, cookieName, salt: cookieName, secureCookie: cookieName.startsWith("__Secure-") });
    const claims = claimsSchema.safeParse(token);
    if (!claims.success) continue;
    const user = await findUserById(claims.data.sub);
    if (!user?.role || passwordFingerprint(user.passwordHash) !== claims.data.pwf) return null;
    return { kind: "user", id: user.id, email: user.email, name: user.name, role: user.role };
  }
  return null;
}
