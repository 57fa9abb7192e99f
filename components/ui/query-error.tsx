/** A filter or cursor the data layer refused (400 INVALID_QUERY): say what, instead of a crash panel. */
export function QueryError({ message }: { message: string }) {
  return (
    <div role="note" className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900">
      <p className="font-medium">These filters cannot be used.</p>
      <p className="mt-1">{message}</p>
    </div>
  );
}
