import { BreakdownBarChart } from "@/components/charts/breakdown-bar-chart";
import type { ChartColor } from "@/components/charts/chart-colors";
import { formatCount } from "@/components/format/numbers";
import { DataTable } from "@/components/table/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import type { BreakdownGroup } from "@/lib/dal/error-breakdown";

// The chart shows the largest groups; the table below it lists every group with its share.
const CHART_GROUPS = 10;

/** Rollup keys as people read them: "TYPE:" → "TYPE", "" → "(unknown)", "dead_lettered:X" → "dead-lettered · X". */
export function groupLabel(key: string): string {
  if (key === "") return "(unknown)";
  const [head = key, ...rest] = key.split(":");
  const kind = head === "dead_lettered" ? "dead-lettered" : head;
  const tail = rest.join(":");
  return tail === "" ? kind : `${kind} · ${tail}`;
}

export function BreakdownSection({ groups, total, emptyTitle, color, caption }: { groups: BreakdownGroup[]; total: number; emptyTitle: string; color: ChartColor; caption: string }) {
  if (total === 0 || groups.length === 0) return <EmptyState title={emptyTitle} />;
  const rows = groups.map((g) => ({ ...g, label: groupLabel(g.key) }));
  return (
    <div className="grid gap-4 xl:grid-cols-2">
      <BreakdownBarChart label={caption} color={color} items={rows.slice(0, CHART_GROUPS).map((g) => ({ label: g.label, count: g.count }))} />
      <DataTable
        caption={caption}
        rows={rows}
        rowKey={(g) => g.key}
        empty={null}
        columns={[
          { header: "Group", cell: (g) => <span className="font-mono text-xs">{g.label}</span> },
          { header: "Count", cell: (g) => formatCount(g.count), align: "right" },
          { header: "Share", cell: (g) => `${Math.round((g.count / Math.max(total, 1)) * 100)} %`, align: "right" },
        ]}
      />
    </div>
  );
}
