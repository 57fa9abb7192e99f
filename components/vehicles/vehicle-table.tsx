import type { ReactNode } from "react";
import { HealthBadge } from "@/components/badges/vehicle-badges";
import { vehicleHref } from "@/components/url/hrefs";
import { formatDecimal } from "@/components/format/numbers";
import { DataTable } from "@/components/table/data-table";
import { Timestamp } from "@/components/ui/timestamp";
import { vehicleName } from "@/components/vehicles/vehicle-name";
import type { VehicleListItem } from "@/lib/dal/vehicle-list";

export function VehicleTable({ vehicles, now, empty, caption = "Vehicles" }: { vehicles: VehicleListItem[]; now: Date; empty: ReactNode; caption?: string }) {
  return (
    <DataTable
      caption={caption}
      rows={vehicles}
      rowKey={(v) => v.vehicleId}
      rowHref={(v) => vehicleHref(v.vehicleId)}
      empty={empty}
      columns={[
        {
          header: "Vehicle",
          cell: (v) => (
            <>
              {vehicleName(v)}
              <span className="block font-mono text-[11px] font-normal text-slate-500">{v.vehicleId}</span>
            </>
          ),
        },
        { header: "Health", cell: (v) => <HealthBadge health={v.health} /> },
        { header: "Last seen", cell: (v) => <Timestamp iso={v.lastSeenAt} now={now} /> },
        { header: "Battery", cell: (v) => <BatteryLevel percent={v.batteryPercent} />, align: "right" },
        { header: "Range", cell: (v) => formatDecimal(v.rangeKm, " km"), align: "right", hideBelow: "md" },
      ]}
    />
  );
}

function BatteryLevel({ percent }: { percent: number | null }) {
  if (percent === null) return <span className="text-slate-500">—</span>;
  const clamped = Math.max(0, Math.min(100, percent));
  return (
    <span className="inline-flex items-center justify-end gap-2">
      <span aria-hidden="true" className="hidden h-2 w-12 overflow-hidden rounded-full bg-slate-200 sm:inline-block">
        <span className={`block h-full ${clamped < 20 ? "bg-red-500" : "bg-emerald-500"}`} style={{ width: `${clamped}%` }} />
      </span>
      {formatDecimal(percent, " %")}
    </span>
  );
}
