"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actorFromPrincipal } from "@/lib/audit";
import { authorizedAction } from "@/lib/auth/authorized-action";
import { roleSchema } from "@/lib/auth/roles";
import { emailSchema } from "@/lib/auth/user-fields";
import { setUserRole } from "@/lib/auth/users";

const schema = z.object({ email: emailSchema, role: roleSchema });

// POST (server action) – admin changes a user's role, effective on their next request;
// audited as user.role_changed. The last admin cannot be demoted.
export const changeRoleAction = authorizedAction("admin", schema, async (input, user) => {
  await setUserRole(input.email, input.role, actorFromPrincipal(user));
  revalidatePath("/admin/users");
  return { ok: true, message: `${input.email} is now ${input.role}.` };
});
