import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

// What the app serves, read from app/ the way Next's router reads it: every page.tsx is a page,
// every route.ts a handler whose exported HTTP methods are its endpoints. Route groups "(x)"
// are not part of the URL; dynamic segments stay as "[name]".

const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

export interface AppRoutes {
  /** URL patterns of pages: "/", "/events/[eventId]". */
  pages: string[];
  /** "METHOD /pattern" of route handlers: "GET /api/v1/events/[eventId]". */
  endpoints: string[];
}

export function enumerateAppRoutes(appDir = path.join(process.cwd(), "app")): AppRoutes {
  const pages: string[] = [];
  const endpoints: string[] = [];
  for (const file of walk(appDir)) {
    const name = path.basename(file);
    const pattern = urlPattern(path.relative(appDir, path.dirname(file)));
    if (/^page\.(tsx|ts|jsx|js)$/.test(name)) pages.push(pattern);
    if (/^route\.(ts|js)$/.test(name)) for (const method of exportedMethods(readFileSync(file, "utf8"))) endpoints.push(`${method} ${pattern}`);
  }
  return { pages: pages.sort(), endpoints: endpoints.sort() };
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else yield full;
  }
}

function urlPattern(relativeDir: string): string {
  const segments = relativeDir.split(path.sep).filter((s) => s !== "" && !/^\(.*\)$/.test(s));
  return `/${segments.join("/")}`;
}

/** `export async function GET`, `export const POST =`, `export const { GET, POST } =`. */
function exportedMethods(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(/export\s+(?:async\s+)?function\s+([A-Z]+)\b/g)) found.add(m[1] ?? "");
  for (const m of source.matchAll(/export\s+const\s+([A-Z]+)\s*=/g)) found.add(m[1] ?? "");
  for (const m of source.matchAll(/export\s+const\s*\{([^}]*)\}\s*=/g)) for (const name of (m[1] ?? "").split(",")) found.add(name.split(":")[0]?.trim() ?? "");
  return HTTP_METHODS.filter((method) => found.has(method));
}

/**
 * "<file>#<export>" of every server action in the source: the exported functions of each module
 * that starts with "use server" (app/, lib/, components/).
 */
export function enumerateServerActions(root = process.cwd()): string[] {
  const actions: string[] = [];
  for (const dir of ["app", "lib", "components"]) {
    for (const file of walk(path.join(root, dir))) {
      if (!/\.(ts|tsx)$/.test(file)) continue;
      const source = readFileSync(file, "utf8");
      if (!/^\s*["']use server["']/.test(source)) continue;
      const relative = path.relative(root, file).split(path.sep).join("/");
      for (const m of source.matchAll(/export\s+(?:const|(?:async\s+)?function)\s+(\w+)/g)) actions.push(`${relative}#${m[1] ?? ""}`);
    }
  }
  return actions.sort();
}
