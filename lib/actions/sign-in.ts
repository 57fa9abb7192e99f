"use server";

import { headers } from "next/headers";
import { AuthError, CredentialsSignin } from "next-auth";
import { z } from "zod";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import type { LoginRefusal } from "@/lib/auth/login";
import { signIn } from "@/lib/auth/next-auth";
import { isSameOrigin } from "@/lib/auth/same-origin";

// The login form's action: credentials to next-auth, whose authorize() applies the limits and
// the lockout (lib/auth/login.ts). Success redirects (a thrown NEXT_REDIRECT that must pass
// through); a refusal comes back as a message for the form.

export interface SignInState {
  error: string | null;
}

const formSchema = z.object({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(1024),
  callbackUrl: z.string().max(2048).optional(),
});

const MESSAGES: Record<LoginRefusal, string> = {
  invalid: "Wrong email or password.",
  locked: "Too many failed sign-ins: this account is locked for 15 minutes. An admin can unlock it by resetting the password.",
  rate_limited: "Too many failed sign-ins from your network. Try again in a few minutes.",
};

export async function signInAction(_previous: SignInState, form: FormData): Promise<SignInState> {
  // Login CSRF (signing a victim into an attacker's account) is a cross-site POST like any other.
  if (!isSameOrigin({ headers: await headers() })) return { error: "Refused: this form was not sent from this site." };
  const input = formSchema.safeParse(Object.fromEntries(form));
  if (!input.success) return { error: "Enter your email and password." };
  try {
    return await signIn("credentials", {
      email: input.data.email,
      password: input.data.password,
      redirectTo: safeCallbackPath(input.data.callbackUrl),
    });
  } catch (err) {
    if (err instanceof CredentialsSignin) return { error: refusalMessage(err.code) };
    // Anything else from Auth.js (the database down, say) was logged by its logger.
    if (err instanceof AuthError) return { error: "Sign-in is unavailable right now. Try again shortly." };
    throw err;
  }
}

function refusalMessage(code: string): string {
  return code === "locked" || code === "rate_limited" ? MESSAGES[code] : MESSAGES.invalid;
}
