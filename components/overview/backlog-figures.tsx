import { formatCount } from "@/components/format/numbers";
import { formatDuration } from "@/components/format/time";
import { StatCard, StatGrid } from "@/components/ui/stat-card";
import type { Overview } from "@/lib/dal/overview";

// Stored but not yet picked up: the sweep re-dispatches after 30 s, so an oldest-pending age
// beyond a few minutes means the queue is not draining.
const OLDEST_PENDING_WARN_S = 5 * 60;

export function BacklogFigures({ backlog, vehicles }: { backlog: Overview["backlog"]; vehicles: Overview["vehicles"] }) {
  const age = backlog.oldestPendingAgeSeconds;
  const isBehind = age !== null && age > OLDEST_PENDING_WARN_S;
  const attention = vehicles.needsReauth + vehicles.openErrors + vehicles.silent;
  return (
    <StatGrid label="Backlog and fleet, now">
      <StatCard label="Pending" value={formatCount(backlog.pending)} hint="Stored, waiting for a processing run" tone={backlog.pending > 0 && isBehind ? "warn" : "default"} />
      <StatCard
        label="Oldest pending"
        value={age === null ? "—" : formatDuration(age * 1000)}
        hint={age === null ? "Nothing waiting" : isBehind ? "Behind: the queue is not draining" : "Within normal delay"}
        tone={isBehind ? "bad" : "default"}
      />
      <StatCard label="Vehicles" value={formatCount(vehicles.total)} hint={`${formatCount(vehicles.ok)} reporting normally`} />
      <StatCard
        label="Need attention"
        value={formatCount(attention)}
        hint={`${vehicles.needsReauth} re-auth · ${vehicles.openErrors} open errors · ${vehicles.silent} silent`}
        tone={vehicles.needsReauth > 0 ? "bad" : attention > 0 ? "warn" : "good"}
      />
    </StatGrid>
  );
}
