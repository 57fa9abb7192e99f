import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { clientIp } from "@/lib/auth/client-ip";
import { verifyLogin, type LoginRefusal } from "@/lib/auth/login";
import { passwordFingerprint } from "@/lib/auth/passwords";
import { LOGIN_PATH } from "@/lib/auth/callback-url";
import { logger } from "@/lib/observability/logger";

// next-auth (Auth.js v5): credentials sign-in, stateless JWT session cookies. The cookie only
// says who signed in; lib/auth/session-user.ts re-reads the user on every request. Cookies get
// the Secure flag and the __Secure- prefix whenever the request is https (X-Forwarded-Proto
// behind a proxy, trusted through AUTH_TRUST_HOST, which the launcher sets).

declare module "@auth/core/types" {
  interface User {
    /** Copied into the session token: a later password change ends the session. */
    passwordFingerprint?: string;
  }
}

/** A signed-in session lasts 12 hours; there is no sliding renewal. */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

/** A refused sign-in; `code` tells the login page which message to show (never which check failed for an unknown email). */
export class SignInRefused extends CredentialsSignin {
  constructor(reason: LoginRefusal) {
    super();
    this.code = reason;
  }
}

const credentialsSchema = z.object({ email: z.string().max(254), password: z.string().max(1024) });

export const { handlers, signIn, signOut } = NextAuth({
  providers: [
    Credentials({
      credentials: { email: { type: "email" }, password: { type: "password" } },
      async authorize(credentials, request) {
        const input = credentialsSchema.safeParse(credentials);
        if (!input.success) throw new SignInRefused("invalid");
        const outcome = await verifyLogin({ ...input.data, ip: clientIp(request.headers) });
        if (!outcome.ok) throw new SignInRefused(outcome.reason);
        const { user } = outcome;
        return { id: user.id, email: user.email, name: user.name, passwordFingerprint: passwordFingerprint(user.passwordHash) };
      },
    }),
  ],
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: LOGIN_PATH, error: LOGIN_PATH },
  callbacks: {
    // The token keeps the user id (sub) and the password fingerprint; the role is deliberately
    // absent, so nothing can trust a stale one.
    jwt({ token, user }) {
      if (user?.passwordFingerprint) token.pwf = user.passwordFingerprint;
      return token;
    },
  },
  logger: {
    // A refused sign-in is routine (and already logged by verifyLogin); anything else is a fault.
    error(error) {
      if (error instanceof CredentialsSignin) return;
      logger.error({ err: error }, "auth.error");
    },
    warn(code) {
      logger.warn({ code }, "auth.warning");
    },
    debug() {},
  },
});
