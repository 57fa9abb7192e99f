import type { Role } from "@/lib/auth/roles";

// The dashboard's sections and the least role that sees each. The layout filters on the server,
// so a viewer's page never even names the admin links. (Each page still checks its own role.)
export interface NavItem {
  href: string;
  label: string;
  role: Role;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { href: "/", label: "Overview", role: "viewer" },
  { href: "/alerts", label: "Alerts", role: "viewer" },
  { href: "/events", label: "Events", role: "viewer" },
  { href: "/vehicles", label: "Vehicles", role: "viewer" },
  { href: "/errors", label: "Errors", role: "viewer" },
  { href: "/dead-letters", label: "Dead letters", role: "viewer" },
  { href: "/rejections", label: "Rejections", role: "support" },
  { href: "/admin/users", label: "Admin", role: "admin" },
];
