import type { InputHTMLAttributes } from "react";
import { ROLES, type Role } from "@/lib/auth/roles";

// Labelled controls for the admin forms. The label points at its control by id (a wrapping
// label would fold a select's current option into the control's accessible name).
const LABEL = "block text-xs font-medium text-slate-700";
const CONTROL = "mt-1 block rounded-md border border-slate-300 px-2 py-1.5 text-sm shadow-sm focus:border-sky-600 focus:outline-none focus:ring-2 focus:ring-sky-600";

export function LabelledInput({ id, label, ...input }: InputHTMLAttributes<HTMLInputElement> & { id: string; label: string }) {
  return (
    <div>
      <label htmlFor={id} className={LABEL}>
        {label}
      </label>
      <input id={id} {...input} className={CONTROL} />
    </div>
  );
}

export function LabelledRoleSelect({ id, label, defaultValue = "viewer" }: { id: string; label: string; defaultValue?: Role }) {
  return (
    <div>
      <label htmlFor={id} className={LABEL}>
        {label}
      </label>
      <select id={id} name="role" defaultValue={defaultValue} className={CONTROL}>
        {ROLES.map((role) => (
          <option key={role} value={role}>
            {role}
          </option>
        ))}
      </select>
    </div>
  );
}
