/**
 * The client address for rate limiting: the LAST X-Forwarded-For hop. A reverse proxy appends
 * the address it saw, so behind one proxy this is the real client; entries before it are
 * whatever the client sent. Next fills the header from the socket only when it is absent, so
 * without a proxy a client can choose its own key — which is why the per-account lockout does
 * not depend on this.
 */
export function clientIp(headers: { get(name: string): string | null }): string {
  const hops = headers.get("x-forwarded-for")?.split(",").map((h) => h.trim()).filter(Boolean) ?? [];
  return hops.at(-1) ?? "unknown";
}
