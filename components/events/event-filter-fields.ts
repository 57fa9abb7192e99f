import type { FilterField } from "@/components/filters/filter-bar";

// The event-list filters (API.md §5) as filter-bar fields; the dead-letter page reuses them minus status.

// The types Smartcar sends today; the receiver stores unknown ones too, and a URL naming one keeps it selectable.
const KNOWN_TYPES = ["VEHICLE_STATE", "VEHICLE_ERROR", "LEGACY_V2"];

export function eventFilterFields({ currentType, withStatus }: { currentType: string | undefined; withStatus: boolean }): FilterField[] {
  const types = currentType && !KNOWN_TYPES.includes(currentType) ? [...KNOWN_TYPES, currentType] : KNOWN_TYPES;
  return [
    { kind: "text", name: "q", label: "Event id or delivery id", placeholder: "exact id" },
    { kind: "select", name: "type", label: "Type", options: types.map((t) => ({ value: t, label: t })) },
    ...(withStatus
      ? [
          {
            kind: "select" as const,
            name: "status",
            label: "Status",
            options: [
              { value: "PENDING", label: "Pending" },
              { value: "PROCESSING", label: "Processing" },
              { value: "PROCESSED", label: "Processed" },
              { value: "DEAD_LETTERED", label: "Dead-lettered" },
            ],
          },
        ]
      : []),
    { kind: "select", name: "mode", label: "Mode", options: [{ value: "LIVE", label: "Live" }, { value: "TEST", label: "Test" }] },
    { kind: "text", name: "vehicleId", label: "Vehicle id", placeholder: "Smartcar vehicle id" },
    { kind: "datetime", name: "from", label: "From (UTC)" },
    { kind: "datetime", name: "to", label: "To (UTC)" },
  ];
}
