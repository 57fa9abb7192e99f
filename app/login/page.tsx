import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/login-form";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { currentUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Sign in · Smartcar Monitor" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { callbackUrl } = await searchParams;
  const target = safeCallbackPath(typeof callbackUrl === "string" ? callbackUrl : null);
  // Already signed in (e.g. the back button after signing in): straight on.
  if (await currentUser()) redirect(target);
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="mb-6 text-xl font-semibold">Sign in to Smartcar Monitor</h1>
        <LoginForm callbackUrl={target} />
      </div>
    </main>
  );
}
