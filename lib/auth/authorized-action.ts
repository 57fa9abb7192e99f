import "server-only";
import { headers } from "next/headers";
import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { hasRole, type Role } from "@/lib/auth/roles";
import { isSameOrigin } from "@/lib/auth/same-origin";
import { userFromCookieHeader, type UserPrincipal } from "@/lib/auth/session-user";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/observability/logger";

// The frame of every server action: same-origin check, the session's user re-read and its role
// checked, the form parsed with a schema, errors turned into a result the form can show.
// A server action is a public POST endpoint: this runs on every call, whatever page rendered it.

export type ActionResult =
  | { ok: true; message: string; /** Shown once (a new password or API token), never stored. */ secret?: string }
  | { ok: false; message: string };

export type FormAction = (previous: ActionResult | null, form: FormData) => Promise<ActionResult>;

export function authorizedAction<S extends z.ZodType>(
  role: Role,
  schema: S,
  handler: (input: z.output<S>, user: UserPrincipal) => Promise<ActionResult>,
): FormAction {
  return async (_previous, form) => {
    const requestHeaders = await headers();
    if (!isSameOrigin({ headers: requestHeaders })) return { ok: false, message: "Refused: this form was not sent from this site." };
    const user = await userFromCookieHeader(requestHeaders.get("cookie"));
    if (!user) return { ok: false, message: "Your session has ended: sign in again." };
    if (!hasRole(user.role, role)) return { ok: false, message: `This needs the ${role} role.` };

    const input = schema.safeParse(Object.fromEntries(form));
    if (!input.success) return { ok: false, message: input.error.issues.map((i) => i.message).join("; ") };
    try {
      return await handler(input.data, user);
    } catch (err) {
      // redirect(), notFound() and forbidden() work by throwing: they are answers, not failures.
      unstable_rethrow(err);
      if (err instanceof AppError) return { ok: false, message: err.message };
      logger.error({ err }, "server action failed");
      return { ok: false, message: "Something went wrong on the server; the audit log shows whether the change was made." };
    }
  };
}
