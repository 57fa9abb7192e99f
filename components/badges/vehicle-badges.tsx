import { Badge, type BadgeTone } from "@/components/ui/badge";

// A vehicle's headline health (lib/vehicles/health.ts), a signal's status and a condition's state.

const HEALTH: Record<string, { tone: BadgeTone; label: string; title: string }> = {
  NEEDS_REAUTH: { tone: "danger", label: "Needs re-auth", title: "The owner must reconnect the vehicle to Smartcar" },
  OPEN_ERRORS: { tone: "warning", label: "Open errors", title: "Smartcar reported a vehicle condition that is still open" },
  SILENT: { tone: "neutral", label: "Silent", title: "Quiet for longer than 3× its usual gap (at least an hour)" },
  OK: { tone: "success", label: "OK", title: "Reporting normally" },
};

export function HealthBadge({ health }: { health: string }) {
  const spec = HEALTH[health];
  return spec ? (
    <Badge tone={spec.tone} title={spec.title}>
      {spec.label}
    </Badge>
  ) : (
    <Badge tone="neutral">{health}</Badge>
  );
}

// ERROR (the car failed to report it) and UNSUPPORTED (it never can) must not look alike:
// the first is worth chasing, the second is a fact about the model.
export function SignalStatusBadge({ status }: { status: string }) {
  if (status === "OK") return <Badge tone="success">OK</Badge>;
  if (status === "ERROR") {
    return (
      <Badge tone="danger" title="The last report of this signal failed; the value shown is the last good one">
        <span aria-hidden="true">!</span> Error
      </Badge>
    );
  }
  if (status === "UNSUPPORTED") {
    return (
      <Badge tone="muted" title="This vehicle cannot report this signal (COMPATIBILITY)">
        <span aria-hidden="true">⊘</span> Unsupported
      </Badge>
    );
  }
  return <Badge tone="neutral">{status}</Badge>;
}

export function ConditionStateBadge({ state }: { state: string }) {
  return state === "ERROR" ? <Badge tone="danger">Open</Badge> : <Badge tone="success">Resolved</Badge>;
}
