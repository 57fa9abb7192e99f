import type { ReactNode } from "react";

export type BadgeTone = "neutral" | "info" | "success" | "warning" | "danger" | "muted";

// Colour is never the only signal: every badge also carries its word, and the tones keep
// WCAG AA contrast on their background.
const TONES: Record<BadgeTone, string> = {
  neutral: "border-slate-300 bg-slate-100 text-slate-800",
  info: "border-sky-300 bg-sky-50 text-sky-800",
  success: "border-emerald-300 bg-emerald-50 text-emerald-800",
  warning: "border-amber-300 bg-amber-50 text-amber-900",
  danger: "border-red-300 bg-red-50 text-red-800",
  // Dashed: "nothing wrong, nothing happened" reads differently from every solid badge.
  muted: "border-dashed border-slate-400 bg-white text-slate-700",
};

export function Badge({ tone, children, title }: { tone: BadgeTone; children: ReactNode; title?: string }) {
  return (
    <span title={title} className={`inline-flex items-center gap-1 whitespace-nowrap rounded-full border px-2 py-0.5 text-xs font-medium ${TONES[tone]}`}>
      {children}
    </span>
  );
}
