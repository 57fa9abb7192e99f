"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actorFromPrincipal } from "@/lib/audit";
import { authorizedAction } from "@/lib/auth/authorized-action";
import { generatePassword, passwordSchema } from "@/lib/auth/passwords";
import { roleSchema } from "@/lib/auth/roles";
import { displayNameSchema, emailSchema } from "@/lib/auth/user-fields";
import { createUser } from "@/lib/auth/users";

const schema = z.object({
  email: emailSchema,
  name: displayNameSchema.optional(),
  role: roleSchema,
  // Empty: generate one and show it once.
  password: z.union([z.literal(""), passwordSchema]).optional(),
});

// POST (server action) – admin adds a dashboard user; audited as user.created.
export const addUserAction = authorizedAction("admin", schema, async (input, user) => {
  const password = input.password || generatePassword();
  const created = await createUser({ email: input.email, role: input.role, name: input.name || null, password }, actorFromPrincipal(user));
  revalidatePath("/admin/users");
  const message = `Added ${created.email} (${input.role}).`;
  return input.password ? { ok: true, message } : { ok: true, message: `${message} Their generated password:`, secret: password };
});
