"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";

/**
 * Re-renders the page's server components every `seconds` (router.refresh keeps client state
 * and scroll). No client-side fetching: the server renders fresh data. Pausable, and idle while
 * the tab is hidden so a forgotten tab does not query the database all night.
 */
export function AutoRefresh({ seconds }: { seconds: number }) {
  const router = useRouter();
  const [isPaused, setPaused] = useState(false);
  const [isPending, startTransition] = useTransition();
  const [lastRefresh, setLastRefresh] = useState<string | null>(null);

  useEffect(() => {
    if (isPaused) return;
    const refresh = () => {
      if (document.visibilityState !== "visible") return;
      startTransition(() => router.refresh());
      setLastRefresh(new Date().toISOString().slice(11, 19));
    };
    const timer = setInterval(refresh, seconds * 1000);
    // Coming back to the tab shows current numbers at once instead of up to `seconds` late.
    const onVisible = () => document.visibilityState === "visible" && refresh();
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [isPaused, seconds, router]);

  return (
    <div className="flex items-center gap-2 text-xs text-slate-600">
      <span aria-hidden="true" className={`h-2 w-2 rounded-full ${isPaused ? "bg-slate-300" : isPending ? "bg-sky-500" : "bg-emerald-500"}`} />
      <span>{isPaused ? "Auto-refresh paused" : `Refreshing every ${seconds} s${lastRefresh ? ` · last ${lastRefresh} UTC` : ""}`}</span>
      <button
        type="button"
        aria-pressed={isPaused}
        onClick={() => setPaused((p) => !p)}
        className="rounded-md border border-slate-300 bg-white px-2 py-1 font-medium text-slate-800 hover:bg-slate-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-700"
      >
        {isPaused ? "Resume" : "Pause"}
      </button>
    </div>
  );
}
