"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actorFromPrincipal } from "@/lib/audit";
import { revokeApiToken } from "@/lib/auth/api-tokens";
import { authorizedAction } from "@/lib/auth/authorized-action";
import { tokenNameSchema } from "@/lib/auth/token-format";

const schema = z.object({ name: tokenNameSchema });

// POST (server action) – admin revokes an API token, refused from its next request; audited as
// token.revoked.
export const revokeTokenAction = authorizedAction("admin", schema, async (input, user) => {
  const outcome = await revokeApiToken(input.name, actorFromPrincipal(user));
  revalidatePath("/admin/tokens");
  switch (outcome) {
    case "revoked":
      return { ok: true, message: `Revoked "${input.name}".` };
    case "already_revoked":
      return { ok: true, message: `"${input.name}" was already revoked.` };
    case "not_found":
      return { ok: false, message: `No token named "${input.name}".` };
  }
});
