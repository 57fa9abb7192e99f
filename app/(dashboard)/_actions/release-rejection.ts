"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { authorizedAction } from "@/lib/auth/authorized-action";
import { rejectionIdSchema } from "@/lib/dal/rejections";
import { releaseRejection } from "@/lib/ingest/release-rejection";

// Re-checks a quarantined signature failure against the current tokens and stores it when it now
// verifies. releaseRejection checks the role again and audits every attempt, refusals included.

export const releaseRejectionAction = authorizedAction("support", z.object({ rejectionId: rejectionIdSchema }), async ({ rejectionId }, user) => {
  const released = await releaseRejection(user, rejectionId);
  refresh();
  return {
    ok: true,
    message:
      released.status === "duplicate"
        ? `It verifies now — and Smartcar had already delivered event ${released.eventId} again, so nothing new was stored.`
        : `It verifies now: stored as event ${released.eventId} with its original receipt time, and queued for processing.`,
  };
});
