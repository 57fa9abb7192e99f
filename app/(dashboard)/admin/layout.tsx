import type { ReactNode } from "react";
import { NavLinks } from "@/components/app-shell/nav-links";

const TABS = [
  { href: "/admin/users", label: "Users" },
  { href: "/admin/tokens", label: "API tokens" },
  { href: "/admin/audit", label: "Audit log" },
];

// Admin section tabs. No role check here on purpose: every admin page and its data functions
// check it themselves (a layout is not re-rendered on every navigation).
export default function AdminLayout({ children }: { children: ReactNode }) {
  return (
    <div>
      <div className="mb-6 border-b border-slate-200 pb-2">
        <NavLinks label="Admin" items={TABS} match="exact" />
      </div>
      {children}
    </div>
  );
}
