import { SignalStatusBadge } from "@/components/badges/vehicle-badges";

// The cells every signal table shows the same way: the vehicle's latest values and an event's
// payload both name a signal by group · name over its code, and a status with its error.

export function SignalNameCell({ code, name, group }: { code: string; name: string | null; group: string | null }) {
  return (
    <>
      <span className="font-medium text-slate-900">{group && name ? `${group} · ${name}` : code}</span>
      <span className="block font-mono text-[11px] text-slate-500">{code}</span>
    </>
  );
}

export function SignalStatusCell({ status, error }: { status: string; error: { type: string; code: string | null } | null }) {
  return (
    <>
      <SignalStatusBadge status={status} />
      {error && (
        <span className="mt-1 block font-mono text-[11px] text-slate-600">
          {error.type}
          {error.code ? `/${error.code}` : ""}
        </span>
      )}
    </>
  );
}
