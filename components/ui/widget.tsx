import { Suspense, type ReactNode } from "react";
import { WidgetBoundary } from "@/components/ui/widget-boundary";

/** One independently loading, independently failing part of a page. */
export function Widget({ title, fallback, children }: { title: string; fallback: ReactNode; children: ReactNode }) {
  return (
    <WidgetBoundary title={title}>
      <Suspense fallback={fallback}>{children}</Suspense>
    </WidgetBoundary>
  );
}
