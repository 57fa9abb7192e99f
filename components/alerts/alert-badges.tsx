import { Badge, type BadgeTone } from "@/components/ui/badge";

// An alert's lifecycle (open → acknowledged → resolved) and how bad it is. Words, not only colour.

const STATE_TONE: Record<string, BadgeTone> = { OPEN: "danger", ACKNOWLEDGED: "warning", RESOLVED: "success" };
const STATE_LABEL: Record<string, string> = { OPEN: "Open", ACKNOWLEDGED: "Acknowledged", RESOLVED: "Resolved" };

export function AlertStateBadge({ state }: { state: string }) {
  return <Badge tone={STATE_TONE[state] ?? "neutral"}>{STATE_LABEL[state] ?? state}</Badge>;
}

export function SeverityBadge({ severity }: { severity: string }) {
  return severity === "critical" ? <Badge tone="danger">Critical</Badge> : <Badge tone="warning">Warning</Badge>;
}
