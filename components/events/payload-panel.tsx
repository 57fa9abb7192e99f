import { CopyButton } from "@/components/json/copy-button";
import { JsonViewer } from "@/components/json/json-viewer";
import { EmptyState } from "@/components/ui/empty-state";
import type { EventPayload } from "@/lib/dal/event-payload";

/** The raw payload as stored: a JSON tree, or the text itself when it is not JSON. */
export function PayloadPanel({ payload, isRedacted }: { payload: EventPayload; isRedacted: boolean }) {
  if (payload.kind === "purged") return <EmptyState title="Payload purged">Retention removed the raw body of this event; its summary and history remain.</EmptyState>;
  if (payload.kind === "withheld") return <EmptyState title="Payload not shown">It is not JSON, so its coordinates cannot be rounded for your role.</EmptyState>;
  return (
    <div className="space-y-2">
      {isRedacted && <p className="text-xs text-slate-600">Coordinates are rounded to about 1 km for your role.</p>}
      {payload.kind === "json" ? (
        <JsonViewer value={payload.value} label="Raw payload" />
      ) : (
        <div className="rounded-md border border-slate-200 bg-slate-50 p-3">
          <CopyButton text={payload.text} />
          <pre className="mt-2 max-h-96 overflow-auto whitespace-pre-wrap break-all font-mono text-xs">{payload.text}</pre>
        </div>
      )}
    </div>
  );
}
