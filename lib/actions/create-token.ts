"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actorFromPrincipal } from "@/lib/audit";
import { createApiToken } from "@/lib/auth/api-tokens";
import { authorizedAction } from "@/lib/auth/authorized-action";
import { roleSchema } from "@/lib/auth/roles";
import { tokenNameSchema } from "@/lib/auth/token-format";

const schema = z.object({ name: tokenNameSchema, role: roleSchema });

// POST (server action) – admin creates an API token, shown once; audited as token.created.
export const createTokenAction = authorizedAction("admin", schema, async (input, user) => {
  const created = await createApiToken({ name: input.name, role: input.role, actor: actorFromPrincipal(user) });
  revalidatePath("/admin/tokens");
  return { ok: true, message: `Created "${created.name}" (${created.role}). The token:`, secret: created.token };
});
