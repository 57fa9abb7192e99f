// Who the dashboard phase reads as, made with the product's own CLIs (API.md §8), each printing
// its secret as the last stdout line: a viewer API token for /api/v1, and a dashboard user
// signed in over HTTP for the pages.
import { execFileSync } from "node:child_process";
import path from "node:path";
import type { BenchDatabase } from "@/bench/lib/postgres";
import { signInOverHttp } from "@/test/helpers/session";

/**
 * The least role that may open every page the benchmark times (/rejections needs support); it
 * also renders the re-drive and acknowledge controls a viewer does not get, the heavier page.
 */
const PAGE_ROLE = "support";
const PAGE_USER = "bench-pages@example.com";

function lastLineOf(script: string, args: string[], db: BenchDatabase): string {
  const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
  const out = execFileSync(tsx, [script, ...args], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", DATABASE_URL: db.url, DATA_DIR: db.dataDir, LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "ignore"],
  });
  return out.trim().split("\n").at(-1) ?? "";
}

export function createViewerToken(db: BenchDatabase): string {
  const token = lastLineOf("scripts/token.ts", ["create", "--name", "bench-viewer", "--role", "viewer"], db);
  if (!token.startsWith("sct_")) throw new Error(`npm run token printed no token (last line: "${token}")`);
  return token;
}

/** `npm run users -- add`, then next-auth's credentials flow as a browser runs it: the session cookie. */
export async function signInPageUser(db: BenchDatabase, appUrl: string): Promise<{ cookie: string; role: string }> {
  const password = lastLineOf("scripts/users.ts", ["add", PAGE_USER, "--role", PAGE_ROLE, "--name", "Benchmark"], db);
  if (password === "") throw new Error("npm run users -- add printed no password");
  const signIn = await signInOverHttp(appUrl, { email: PAGE_USER, password }, "127.0.0.1");
  if (signIn.cookie === null) throw new Error(`signing in as ${PAGE_USER} was refused (sent to ${signIn.location})`);
  return { cookie: signIn.cookie, role: PAGE_ROLE };
}
