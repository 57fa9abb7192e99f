"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

// A row of plain links (Tab / Enter), the current one marked with aria-current for screen
// readers and styled from it. `section` marks a link current anywhere under its first path
// segment (the Admin link on /admin/tokens); `exact` only on its own path (the admin tabs).
export function NavLinks({ label, items, match = "section" }: { label: string; items: { href: string; label: string }[]; match?: "section" | "exact" }) {
  const pathname = usePathname();
  const isCurrent = (href: string) => {
    if (href === "/" || match === "exact") return pathname === href;
    return pathname === href || pathname.startsWith(`/${href.split("/")[1] ?? ""}/`);
  };
  return (
    <nav aria-label={label}>
      <ul className="flex flex-wrap gap-1">
        {items.map((item) => (
          <li key={item.href}>
            <Link
              href={item.href}
              aria-current={isCurrent(item.href) ? "page" : undefined}
              className="block rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-700 aria-[current=page]:bg-slate-900 aria-[current=page]:text-white"
            >
              {item.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
