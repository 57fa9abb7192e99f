"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actorFromPrincipal } from "@/lib/audit";
import { authorizedAction } from "@/lib/auth/authorized-action";
import { emailSchema } from "@/lib/auth/user-fields";
import { removeUser } from "@/lib/auth/users";

const schema = z.object({ email: emailSchema });

// POST (server action) – admin removes a user, whose sessions end at once; audited as
// user.removed. The last admin cannot be removed.
export const removeUserAction = authorizedAction("admin", schema, async (input, user) => {
  await removeUser(input.email, actorFromPrincipal(user));
  revalidatePath("/admin/users");
  return { ok: true, message: `Removed ${input.email}.` };
});
