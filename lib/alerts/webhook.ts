// One POST to the alert webhook. The URL is a credential (a Slack webhook URL is all it takes to
// post to the channel), so nothing derived from it — host, path, the error texts that name
// them — ever reaches the outcome, a log line or the alert row.

export type WebhookOutcome = { ok: true } | { ok: false; error: string; /** false: no HTTP answer at all. */ answered: boolean };

export async function postToWebhook(url: string, message: unknown, timeoutMs: number): Promise<WebhookOutcome> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(message),
      // A redirect could carry the message to a host nobody configured.
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Slack answers "ok"; nothing in the body matters, and an unread body holds the socket.
    await res.body?.cancel();
    return res.ok ? { ok: true } : { ok: false, error: `the webhook answered HTTP ${res.status}`, answered: true };
  } catch (err) {
    return { ok: false, error: describeFailure(err, timeoutMs), answered: false };
  }
}

function describeFailure(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) return `no answer within ${timeoutMs} ms`;
  // undici puts the system error (ECONNREFUSED, ENOTFOUND…) in `cause`; its message names the host.
  const cause = err instanceof Error ? err.cause : undefined;
  const code = typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string" ? cause.code : null;
  return code ? `the webhook is unreachable (${code})` : "the request to the webhook failed";
}
