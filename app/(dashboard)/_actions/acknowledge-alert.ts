"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { acknowledgeAlert } from "@/lib/alerts/acknowledge";
import { authorizedAction } from "@/lib/auth/authorized-action";
import { alertIdSchema } from "@/lib/dal/alerts";

// The Alerts page's "Acknowledge" button. authorizedAction re-checks the session and the support
// role on every call — the button being hidden from viewers is a courtesy, not the gate — and
// acknowledgeAlert checks the role again and writes the audit entry with the state change.

export const acknowledgeAlertAction = authorizedAction("support", z.object({ alertId: alertIdSchema }), async ({ alertId }, user) => {
  const alert = await acknowledgeAlert(user, alertId);
  refresh();
  return { ok: true, message: `Acknowledged by ${alert.acknowledgedBy ?? user.email}: it resolves by itself once the condition clears.` };
});
