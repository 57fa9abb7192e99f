import Link from "next/link";

// The body of the 403 page (status set by forbidden(), lib/auth/session.ts requireUser).
export function ForbiddenNotice() {
  return (
    <div className="mx-auto max-w-xl py-16">
      <p className="text-sm font-semibold text-slate-500">403</p>
      <h1 className="mt-1 text-2xl font-semibold">You don&apos;t have access to this page</h1>
      <p className="mt-3 text-slate-600">Your role does not include it. Ask an admin if you need it.</p>
      <Link href="/" className="mt-6 inline-block rounded-md text-sky-700 underline focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-700">
        Back to the overview
      </Link>
    </div>
  );
}
