import type { ReactNode } from "react";

// Placeholders shown by <Suspense> while a widget's data loads: the same size as what replaces
// them, so nothing jumps when it arrives.

export function SkeletonBlock({ className }: { className: string }) {
  return <div className={`animate-pulse rounded bg-slate-200 motion-reduce:animate-none ${className}`} />;
}

function Loading({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div role="status" aria-label={label} aria-busy="true">
      {children}
    </div>
  );
}

export function TableSkeleton({ rows = 8, label = "Loading table" }: { rows?: number; label?: string }) {
  return (
    <Loading label={label}>
      <div className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
        <SkeletonBlock className="h-4 w-1/3" />
        {Array.from({ length: rows }, (_, i) => (
          <SkeletonBlock key={i} className="h-8 w-full" />
        ))}
      </div>
    </Loading>
  );
}

export function ChartSkeleton({ height = 240, label = "Loading chart" }: { height?: number; label?: string }) {
  return (
    <Loading label={label}>
      <div className="rounded-lg border border-slate-200 bg-white p-4">
        <SkeletonBlock className="mb-3 h-4 w-1/4" />
        <div className="animate-pulse rounded bg-slate-100 motion-reduce:animate-none" style={{ height }} />
      </div>
    </Loading>
  );
}

export function StatGridSkeleton({ count = 4, label = "Loading figures" }: { count?: number; label?: string }) {
  return (
    <Loading label={label}>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
        {Array.from({ length: count }, (_, i) => (
          <div key={i} className="rounded-lg border border-slate-200 bg-white p-4">
            <SkeletonBlock className="h-3 w-2/3" />
            <SkeletonBlock className="mt-3 h-7 w-1/2" />
          </div>
        ))}
      </div>
    </Loading>
  );
}

export function CardSkeleton({ lines = 4, label = "Loading" }: { lines?: number; label?: string }) {
  return (
    <Loading label={label}>
      <div className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
        <SkeletonBlock className="h-4 w-1/3" />
        {Array.from({ length: lines }, (_, i) => (
          <SkeletonBlock key={i} className="h-4 w-full" />
        ))}
      </div>
    </Loading>
  );
}
