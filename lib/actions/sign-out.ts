"use server";

import { headers } from "next/headers";
import { LOGIN_PATH } from "@/lib/auth/callback-url";
import { signOut } from "@/lib/auth/next-auth";
import { isSameOrigin } from "@/lib/auth/same-origin";

// Clears the session cookie and goes to /login. A cross-site page must not be able to sign
// people out either.
export async function signOutAction(): Promise<void> {
  if (!isSameOrigin({ headers: await headers() })) return;
  await signOut({ redirectTo: LOGIN_PATH });
}
