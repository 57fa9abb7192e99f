import { HealthBadge } from "@/components/badges/vehicle-badges";
import { FieldList } from "@/components/ui/field-list";
import { Timestamp } from "@/components/ui/timestamp";
import type { VehicleResource } from "@/lib/dal/vehicles";

export function VehicleHeaderFacts({ vehicle, now }: { vehicle: VehicleResource; now: Date }) {
  return (
    <div className="space-y-4">
      {vehicle.needsReauth && (
        <p role="note" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900">
          Smartcar lost access to this vehicle: its owner must reconnect it before any new data arrives.
        </p>
      )}
      <FieldList
        fields={[
          { label: "Health", value: <HealthBadge health={vehicle.health} /> },
          { label: "Last seen", value: <Timestamp iso={vehicle.lastSeenAt} now={now} /> },
          { label: "Make · model · year", value: [vehicle.make ?? "?", vehicle.model ?? "?", vehicle.year ?? "?"].join(" · ") },
          { label: "Vehicle id", value: <span className="font-mono text-xs">{vehicle.vehicleId}</span> },
        ]}
      />
    </div>
  );
}
