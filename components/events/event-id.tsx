/** eventIds are UUIDs or "v2:<sha256>": the full id stays in the DOM (search, copy), the eye gets its head. */
export function EventId({ id }: { id: string }) {
  const short = id.length > 13 ? `${id.slice(0, 13)}…` : id;
  return (
    <span title={id} className="whitespace-nowrap font-mono text-xs">
      <span aria-hidden="true">{short}</span>
      <span className="sr-only">{id}</span>
    </span>
  );
}

