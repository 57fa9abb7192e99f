// Response security headers, applied by proxy.ts to every page (never to the webhook receiver
// or the Inngest endpoint, which the proxy matcher skips).

/** A fresh CSP nonce: 128 random bits, base64. One per request, so a leaked one is useless. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/**
 * Scripts run only with this request's nonce ('strict-dynamic' lets Next's nonce'd loader pull
 * in its chunks); Next finds the nonce in the request's CSP header and puts it on its scripts.
 * Styles allow 'unsafe-inline': Recharts and Next's route announcer set style attributes, and
 * CSS cannot run code. Dev mode needs eval for React's debugging and Turbopack's HMR.
 */
export function contentSecurityPolicy({ nonce, isDev, isHttps }: { nonce: string; isDev: boolean; isHttps: boolean }): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isDev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  // Only over https: on a plain-http LAN install it would send every asset to a port nobody serves.
  if (isHttps) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

export function securityHeaders({ isHttps }: { isHttps: boolean }): Record<string, string> {
  return {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    // For browsers that predate frame-ancestors.
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    ...(isHttps ? { "Strict-Transport-Security": "max-age=31536000" } : {}),
  };
}
