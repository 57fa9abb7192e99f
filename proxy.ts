// Security headers with a per-request CSP nonce, and the request path for sign-in callbacks.
// Not an auth gate: pages, server actions and /api/v1 check the session themselves. The matcher
// keeps this off the webhook receiver and the Inngest endpoint, whose hot paths must not pay for it.
import { NextResponse, type NextRequest } from "next/server";
import { REQUEST_PATH_HEADER } from "@/lib/auth/callback-url";
import { contentSecurityPolicy, newNonce, securityHeaders } from "@/lib/security/headers";

export function proxy(request: NextRequest): NextResponse {
  const isHttps = request.nextUrl.protocol === "https:" || request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
  const csp = contentSecurityPolicy({ nonce: newNonce(), isDev: process.env.NODE_ENV === "development", isHttps });

  const requestHeaders = new Headers(request.headers);
  // Next reads the nonce from the request's CSP header and stamps it on the scripts it renders.
  requestHeaders.set("content-security-policy", csp);
  requestHeaders.set(REQUEST_PATH_HEADER, request.nextUrl.pathname + request.nextUrl.search);

  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  for (const [name, value] of Object.entries(securityHeaders({ isHttps }))) response.headers.set(name, value);
  return response;
}

export const config = {
  matcher: ["/((?!api/webhooks|api/inngest|_next/static|_next/image|favicon.ico).*)"],
};
