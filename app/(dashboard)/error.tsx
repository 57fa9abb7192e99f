"use client";

import { ErrorPanel } from "@/components/ui/widget-boundary";

// A page that failed as a whole (widgets fail on their own, inside their WidgetBoundary). The
// navigation above stays usable; "Try again" re-renders the segment.
export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorPanel title="This page could not be loaded" digest={error.digest} onRetry={reset} />;
}
