import { hasRole, type Role } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";

// Every DAL function checks the role itself: pages, server actions and route handlers all call
// it, and none of them may be the only gate (STYLE.md). A Principal (token or user) is a Viewer.
export interface Viewer {
  role: Role;
}

export function assertRole(viewer: Viewer, required: Role): void {
  if (!hasRole(viewer.role, required)) throw new AppError("FORBIDDEN", `This needs the ${required} role.`);
}
