import { encode } from "next-auth/jwt";
import { z } from "zod";

// Session cookies for tests. In-process: minted exactly as next-auth mints them at sign-in
// (JWE with AUTH_SECRET, the cookie name as salt, the claims lib/auth/next-auth.ts sets).
// Over HTTP: next-auth's own credentials flow (CSRF token, then the callback).

export const SESSION_COOKIE = "authjs.session-token";

export async function mintSessionCookie(options: {
  userId: string;
  passwordFingerprint: string;
  secret: string;
  cookieName?: string;
}): Promise<string> {
  const cookieName = options.cookieName ?? SESSION_COOKIE;
  const token = await encode({ token: { sub: options.userId, pwf: options.passwordFingerprint }, secret: options.secret, salt: cookieName });
  return `${cookieName}=${token}`;
}

export interface HttpSignIn {
  /** `authjs.session-token=…` (`__Secure-…` over https), or null when the sign-in was refused. */
  cookie: string | null;
  /** The session cookie's whole Set-Cookie header, attributes included. */
  setCookie: string | null;
  /** Where next-auth sent the browser: the callback on success, /login?error=…&code=… on refusal. */
  location: string;
}

/**
 * Signs in through /api/auth, from `ip` (X-Forwarded-For: the per-IP limit keys on it); with
 * `https`, as a TLS-terminating proxy would forward it.
 */
export async function signInOverHttp(
  baseUrl: string,
  credentials: { email: string; password: string },
  ip: string,
  { https = false }: { https?: boolean } = {},
): Promise<HttpSignIn> {
  const forwarded: Record<string, string> = { "x-forwarded-for": ip, ...(https ? { "x-forwarded-proto": "https" } : {}) };
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`, { headers: forwarded });
  const { csrfToken } = z.object({ csrfToken: z.string() }).parse(await csrf.json());
  const cookies = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies, ...forwarded },
    body: new URLSearchParams({ csrfToken, ...credentials }),
  });
  const session = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`) || c.startsWith(`__Secure-${SESSION_COOKIE}=`));
  return { cookie: session?.split(";")[0] ?? null, setCookie: session ?? null, location: response.headers.get("location") ?? "" };
}
