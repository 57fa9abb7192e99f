import { Badge } from "@/components/ui/badge";
import { DataTable } from "@/components/table/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { Timestamp } from "@/components/ui/timestamp";
import type { DeliveryDto } from "@/lib/dal/events";

/** Every HTTP attempt Smartcar made for this event, oldest first (retries included). */
export function DeliveryTable({ deliveries }: { deliveries: DeliveryDto[] }) {
  return (
    <DataTable
      caption="Delivery attempts"
      rows={deliveries}
      rowKey={(d) => d.id}
      empty={<EmptyState title="No delivery rows">The deliveries of this event are no longer stored.</EmptyState>}
      columns={[
        { header: "#", cell: (d) => <span className="tabular-nums">{deliveries.indexOf(d) + 1}</span> },
        { header: "Delivery id", cell: (d) => <span className="font-mono text-xs">{d.deliveryId ?? "—"}</span> },
        { header: "Delivered (Smartcar)", cell: (d) => <Timestamp iso={d.deliveredAt} />, hideBelow: "md" },
        { header: "Received (us)", cell: (d) => <Timestamp iso={d.receivedAt} /> },
        { header: "Kind", cell: (d) => (d.duplicate ? <Badge tone="muted">Retry</Badge> : <Badge tone="neutral">First</Badge>) },
        { header: "Token", cell: (d) => <Badge tone={d.tokenSlot === "current" ? "neutral" : "warning"}>{d.tokenSlot}</Badge>, hideBelow: "lg" },
        { header: "Bytes", cell: (d) => d.bodyBytes.toLocaleString("en-US"), align: "right", hideBelow: "lg" },
      ]}
    />
  );
}
