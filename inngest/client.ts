import path from "node:path";
import { Inngest } from "inngest";
import { env, resolveQueueMode, type Env } from "@/lib/config";
import { generateSigningKey, readOrCreateSecret } from "@/lib/runtime/local-secrets";

// inngest.send() has no timeout of its own: an event API that accepts the connection and never
// answers would hold the dispatch forever. Every call the client makes is bounded.
function fetchWithTimeout(timeoutMs: number): typeof fetch {
  return (input, init) => fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) });
}

/**
 * The key `/api/inngest` checks requests against. In embedded mode it is generated on first start
 * and kept in the data dir, so the endpoint stays closed to strangers without INNGEST_DEV
 * (which would switch signature checks off entirely).
 */
export function servingSigningKey(config: Env): string | undefined {
  if (resolveQueueMode(config) === "embedded") {
    return readOrCreateSecret(path.resolve(config.DATA_DIR), "inngest-signing-key", generateSigningKey);
  }
  return config.INNGEST_SIGNING_KEY;
}

const config = env();

export const inngest = new Inngest({
  id: "smartcar-monitor",
  isDev: resolveQueueMode(config) === "inngest-dev",
  signingKey: servingSigningKey(config),
  fetch: fetchWithTimeout(config.DISPATCH_TIMEOUT_MS),
});
