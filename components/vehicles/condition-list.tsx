import { ConditionStateBadge } from "@/components/badges/vehicle-badges";
import { EmptyState } from "@/components/ui/empty-state";
import { Timestamp } from "@/components/ui/timestamp";
import type { VehicleConditionDto } from "@/lib/dal/vehicles";

// Vehicle conditions are what Smartcar reported about the car (VEHICLE_ERROR), not pipeline
// failures: ASLEEP and UNREACHABLE pass, PERMISSION needs the owner to reconnect.
export function ConditionList({ conditions, now, state }: { conditions: VehicleConditionDto[]; now: Date; state: "open" | "resolved" }) {
  if (conditions.length === 0) {
    return <EmptyState title={state === "open" ? "No open conditions" : "No resolved conditions"}>{state === "open" ? "Smartcar reports nothing wrong with this vehicle." : "Nothing has been resolved yet."}</EmptyState>;
  }
  return (
    <ul className="divide-y divide-slate-100">
      {conditions.map((c) => (
        <li key={`${c.type}:${c.code ?? ""}`} className="py-2 first:pt-0 last:pb-0">
          <div className="flex flex-wrap items-center gap-2">
            <ConditionStateBadge state={c.state} />
            <span className="font-mono text-sm font-medium">
              {c.type}
              {c.code ? `/${c.code}` : ""}
            </span>
            {c.resolutionType && <span className="text-xs text-slate-600">resolution: {c.resolutionType}</span>}
          </div>
          {c.description && <p className="mt-1 text-sm text-slate-700">{c.description}</p>}
          <p className="mt-1 text-xs text-slate-600">
            Opened <Timestamp iso={c.openedAt} now={now} />
            {c.resolvedAt && (
              <>
                {" "}
                · resolved <Timestamp iso={c.resolvedAt} now={now} />
              </>
            )}
            {c.signals.length > 0 && <> · signals: <span className="font-mono">{c.signals.join(", ")}</span></>}
          </p>
        </li>
      ))}
    </ul>
  );
}
