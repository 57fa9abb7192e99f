import { AppError } from "@/lib/errors";

// CSRF defence for cookie-authenticated changes: a browser always sends `Origin` on a POST,
// and a page on another site cannot forge it. Bearer requests are exempt (a browser never adds
// that header on its own), and so are safe methods, which change nothing.

interface RequestLike {
  headers: { get(name: string): string | null };
  url?: string;
}

/**
 * Whether the request's Origin names this site. Compared by host, like Next's own server-action
 * check: the host the browser addressed (Host, or X-Forwarded-Host behind a proxy — a page on
 * another site cannot set either without a CORS preflight this app never grants).
 */
export function isSameOrigin(request: RequestLike): boolean {
  const origin = request.headers.get("origin");
  if (!origin || origin === "null") return false;
  const originHost = hostOf(origin);
  if (!originHost) return false;
  const forwarded = request.headers.get("x-forwarded-host")?.split(",")[0]?.trim();
  const candidates = [forwarded, request.headers.get("host"), request.url ? hostOf(request.url) : null];
  return candidates.some((host) => host?.toLowerCase() === originHost);
}

export function assertSameOrigin(request: RequestLike): void {
  if (!isSameOrigin(request)) {
    throw new AppError("FORBIDDEN", "Cross-origin request refused: a change made with a session cookie needs this site's Origin header.");
  }
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return null;
  }
}
