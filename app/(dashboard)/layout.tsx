import type { ReactNode } from "react";
import { NAV_ITEMS } from "@/components/app-shell/nav-items";
import { NavLinks } from "@/components/app-shell/nav-links";
import { SignOutButton } from "@/components/app-shell/sign-out-button";
import { hasRole } from "@/lib/auth/roles";
import { requireUser } from "@/lib/auth/session";

// The shell of every signed-in page: navigation for the user's role, who is signed in, sign-out.
// Anonymous visitors go to /login from here; each page below still calls requireUser itself.
export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const user = await requireUser("viewer");
  const items = NAV_ITEMS.filter((item) => hasRole(user.role, item.role)).map(({ href, label }) => ({ href, label }));
  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-10 focus:rounded-md focus:bg-white focus:px-3 focus:py-2 focus:shadow"
      >
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-4 px-4 py-2">
          <span className="font-semibold">Smartcar Monitor</span>
          <NavLinks label="Main" items={items} />
          <div className="ml-auto flex items-center gap-2 text-sm text-slate-600">
            <span>
              {user.email} <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium uppercase text-slate-700">{user.role}</span>
            </span>
            <SignOutButton />
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto max-w-7xl px-4 py-6 focus:outline-none">
        {children}
      </main>
    </div>
  );
}
