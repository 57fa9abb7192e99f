"use client";

import { useRouter } from "next/navigation";
import { Component, startTransition, type ErrorInfo, type ReactNode } from "react";

// One widget failing (a slow query timing out, say) must not blank the whole page: each
// <Suspense> sits inside one of these. Server errors arrive here with their message redacted in
// production; the digest ties the panel to the server log line.

interface BoundaryProps {
  title: string;
  children: ReactNode;
}

interface BoundaryState {
  error: (Error & { digest?: string }) | null;
}

export function WidgetBoundary({ title, children }: BoundaryProps) {
  const router = useRouter();
  return (
    <Boundary title={title} onRetry={() => startTransition(() => router.refresh())}>
      {children}
    </Boundary>
  );
}

class Boundary extends Component<BoundaryProps & { onRetry: () => void }, BoundaryState> {
  state: BoundaryState = { error: null };

  static getDerivedStateFromError(error: Error): BoundaryState {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`widget "${this.props.title}" failed`, error, info.componentStack);
  }

  retry = () => {
    this.setState({ error: null });
    this.props.onRetry();
  };

  render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return <ErrorPanel title={`Could not load ${this.props.title.toLowerCase()}`} digest={error.digest} onRetry={this.retry} />;
  }
}

export function ErrorPanel({ title, digest, onRetry }: { title: string; digest?: string; onRetry: () => void }) {
  return (
    <div className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-900">
      <p className="font-medium">{title}.</p>
      <p className="mt-1">
        The rest of the page still works. {digest && <span className="font-mono text-xs">Reference {digest}.</span>}
      </p>
      <button
        type="button"
        onClick={onRetry}
        className="mt-3 rounded-md bg-white px-3 py-1.5 font-medium text-red-900 ring-1 ring-red-300 hover:bg-red-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-red-700"
      >
        Try again
      </button>
    </div>
  );
}
