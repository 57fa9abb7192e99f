import { Badge, type BadgeTone } from "@/components/ui/badge";

// The event lifecycle (API.md §3) and what processing made of it.

const STATUS_TONE: Record<string, BadgeTone> = {
  PENDING: "neutral",
  PROCESSING: "info",
  PROCESSED: "success",
  DEAD_LETTERED: "danger",
};

const STATUS_LABEL: Record<string, string> = {
  PENDING: "Pending",
  PROCESSING: "Processing",
  PROCESSED: "Processed",
  DEAD_LETTERED: "Dead-lettered",
};

export function EventStatusBadge({ status }: { status: string }) {
  return <Badge tone={STATUS_TONE[status] ?? "neutral"}>{STATUS_LABEL[status] ?? status}</Badge>;
}

// Only APPLIED changed vehicle state; the others were handled on purpose and changed nothing.
const OUTCOME_TONE: Record<string, BadgeTone> = {
  APPLIED: "success",
  ALL_STALE: "muted",
  TEST_NOT_APPLIED: "muted",
  IGNORED_EVENT_TYPE: "muted",
  DUPLICATE_ERROR: "muted",
};

const OUTCOME_LABEL: Record<string, string> = {
  APPLIED: "Applied",
  ALL_STALE: "All stale",
  TEST_NOT_APPLIED: "Test, not applied",
  IGNORED_EVENT_TYPE: "Ignored type",
  DUPLICATE_ERROR: "Duplicate error",
};

export function OutcomeBadge({ outcome }: { outcome: string | null }) {
  if (outcome === null) return <span className="text-slate-500">—</span>;
  return <Badge tone={OUTCOME_TONE[outcome] ?? "neutral"}>{OUTCOME_LABEL[outcome] ?? outcome}</Badge>;
}

export function ModeBadge({ mode }: { mode: string | null }) {
  if (mode === "TEST") return <Badge tone="warning">Test</Badge>;
  if (mode === "LIVE") return <Badge tone="neutral">Live</Badge>;
  return <span className="text-slate-500">—</span>;
}
