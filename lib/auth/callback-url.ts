// Where to send a user after sign-in. Only a path on this site is accepted: an absolute or
// protocol-relative URL ("//evil.example", "/\evil.example") would make /login an open redirect.

/** Set by proxy.ts on page requests so server components know the path to come back to. */
export const REQUEST_PATH_HEADER = "x-request-path";

export const LOGIN_PATH = "/login";

export function safeCallbackPath(value: string | null | undefined): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || /[\\\u0000-\u001f]/.test(value)) return "/";
  // Coming back to the login page after signing in would loop.
  if (value === LOGIN_PATH || value.startsWith(`${LOGIN_PATH}?`)) return "/";
  return value;
}

export function loginPath(callbackPath: string | null | undefined): string {
  const target = safeCallbackPath(callbackPath);
  return target === "/" ? LOGIN_PATH : `${LOGIN_PATH}?${new URLSearchParams({ callbackUrl: target })}`;
}
