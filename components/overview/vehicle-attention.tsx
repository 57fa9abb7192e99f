import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { VehicleTable } from "@/components/vehicles/vehicle-table";
import type { VehicleListItem } from "@/lib/dal/vehicle-list";

/** The vehicles that are not OK, worst first, with a link to each full list. */
export function VehicleAttention({ vehicles, now, moreLinks }: { vehicles: VehicleListItem[]; now: Date; moreLinks: { href: string; label: string }[] }) {
  return (
    <>
      <VehicleTable
        caption="Vehicles needing attention"
        vehicles={vehicles}
        now={now}
        empty={<EmptyState title="Every vehicle is reporting normally">No re-auth needed, no open errors, nobody silent.</EmptyState>}
      />
      {moreLinks.length > 0 && (
        <p className="mt-2 flex flex-wrap gap-3 text-sm">
          {moreLinks.map((l) => (
            <Link key={l.href} href={l.href} className="text-sky-800 underline underline-offset-2 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-700">
              {l.label}
            </Link>
          ))}
        </p>
      )}
    </>
  );
}
