
// A signal body in one line: "78 %", "Yes", "latitude 48.14 · longitude 11.58". Bodies are as
// Smartcar sent them and vary by signal, so anything this cannot summarise shows its JSON.

const UNIT_SYMBOL: Record<string, string> = { percent: "%", watts: "W", volts: "V", amperes: "A", kilometers: "km", celsius: "°C" };

export function SignalValue({ body, unit }: { body: unknown; unit?: string | null }) {
  if (body === null || body === undefined) return <span className="text-slate-500">—</span>;
  if (!isRecord(body)) return <span>{scalar(body, { isMain: true })}</span>;
  if ("value" in body && !isRecord(body.value) && !Array.isArray(body.value)) {
    const shownUnit = typeof body.unit === "string" ? body.unit : unit ?? null;
    return (
      <span className="tabular-nums">
        {scalar(body.value, { isMain: true })}
        {shownUnit && body.value !== null && typeof body.value !== "boolean" ? <span className="text-slate-600"> {UNIT_SYMBOL[shownUnit] ?? shownUnit}</span> : null}
      </span>
    );
  }
  const parts = Object.entries(body).filter(([, v]) => !isRecord(v) && !Array.isArray(v));
  const nested = Object.entries(body).length - parts.length;
  return (
    <span className="text-xs">
      {parts.map(([k, v]) => `${k} ${scalar(v)}`).join(" · ")}
      {nested > 0 && <span className="text-slate-500">{parts.length > 0 ? " · " : ""}{nested} nested {nested === 1 ? "field" : "fields"}</span>}
    </span>
  );
}

// Coordinates and other fields keep every digit they came with: for support the precise location is
// the point, and a viewer's is already rounded by the data layer.
const PRECISE = new Intl.NumberFormat("en-US", { maximumFractionDigits: 8 });
// A reading's own value: enough digits for a 0.77 fuel fraction, not a float's noise.
const MAIN = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

function scalar(value: unknown, { isMain = false }: { isMain?: boolean } = {}): string {
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "number") return (isMain ? MAIN : PRECISE).format(value);
  if (value === null) return "null";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
