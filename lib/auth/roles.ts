import { z } from "zod";

// Roles are ordered: each one can do everything the previous one can.
export const ROLES = ["viewer", "support", "admin"] as const;

export const roleSchema = z.enum(ROLES);

export type Role = z.infer<typeof roleSchema>;

const RANK: Record<Role, number> = { viewer: 0, support: 1, admin: 2 };

/** Whether a principal holding `actual` may do what needs `required`. */
export function hasRole(actual: Role, required: Role): boolean {
  return RANK[actual] >= RANK[required];
}
