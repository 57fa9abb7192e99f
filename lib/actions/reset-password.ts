"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actorFromPrincipal } from "@/lib/audit";
import { authorizedAction } from "@/lib/auth/authorized-action";
import { generatePassword, passwordSchema } from "@/lib/auth/passwords";
import { emailSchema } from "@/lib/auth/user-fields";
import { resetPassword } from "@/lib/auth/users";

const schema = z.object({ email: emailSchema, password: z.union([z.literal(""), passwordSchema]).optional() });

// POST (server action) – admin sets a user's password (ending their sessions, lifting a lockout);
// audited as user.password_reset.
export const resetPasswordAction = authorizedAction("admin", schema, async (input, user) => {
  const password = input.password || generatePassword();
  await resetPassword(input.email, password, actorFromPrincipal(user));
  revalidatePath("/admin/users");
  const message = `Reset the password of ${input.email}; their sessions have ended.`;
  return input.password ? { ok: true, message } : { ok: true, message: `${message} The new password:`, secret: password };
});
