// Server time of the dashboard pages, as a signed-in browser loads them: one request at a time,
// timed to the LAST byte, because the pages stream (Suspense) and the shell alone says nothing
// about the data behind it. A page that did not render completely fails the run instead of
// being timed: its time would be that of an error page.
import { readFileSync } from "node:fs";
import path from "node:path";
import { round, summarize } from "@/bench/lib/stats";
import type { EndpointContext } from "./endpoints";
import { get, type Answer } from "./measure";
import type { Page } from "./pages";

export interface PageTiming {
  name: string;
  /** The first request's path, as an example. */
  example: string;
  availability: "ok" | "not yet available";
  samples: number;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
  /** Whole HTML document, streamed parts included. */
  responseKb: number | null;
}

/** The routes a build serves (its app-path-routes-manifest.json): a page missing there is not built yet. */
export function builtRoutes(distDir: string): ReadonlySet<string> {
  const manifest: unknown = JSON.parse(readFileSync(path.join(distDir, "app-path-routes-manifest.json"), "utf8"));
  if (typeof manifest !== "object" || manifest === null) throw new Error(`${distDir}/app-path-routes-manifest.json is not an object`);
  return new Set(Object.values(manifest).filter((route): route is string => typeof route === "string"));
}

// What a streamed page carries when something failed after the 200 was already sent: React's
// marker for a Suspense boundary the server could not render (left to the client to retry), and
// the digests of a redirect or notFound()/forbidden() thrown inside one.
const STREAMED_FAILURES: { pattern: RegExp; reason: string }[] = [
  { pattern: /<!--\$!-->|\$RX\(/, reason: "a part of the page failed to render on the server" },
  { pattern: /NEXT_REDIRECT/, reason: "a part of the page redirected" },
  { pattern: /NEXT_HTTP_ERROR_FALLBACK/, reason: "a part of the page answered not found or forbidden" },
];

/** Why `answer` is not a completely rendered page, or null when it is one. */
export function pageFailure(answer: Pick<Answer, "status" | "contentType" | "location" | "body">): string | null {
  if (answer.status !== 200) return `answered ${answer.status}${answer.location ? ` → ${answer.location}` : ""}`;
  if (!answer.contentType.startsWith("text/html")) return `answered ${answer.contentType || "no content type"}, not HTML`;
  for (const { pattern, reason } of STREAMED_FAILURES) {
    if (!pattern.test(answer.body)) continue;
    const digest = /data-dgst="([^"]*)"|\$RX\("[^"]*","([^"]*)"/.exec(answer.body);
    return digest ? `${reason} (digest ${digest[1] ?? digest[2]})` : reason;
  }
  return null;
}

export async function timePage(
  page: Page,
  options: { baseUrl: string; cookie: string; ctx: EndpointContext; samples: number; warmup: number; built: ReadonlySet<string> },
): Promise<PageTiming> {
  const example = page.path(options.ctx, 0);
  if (!options.built.has(page.route)) {
    return { name: page.name, example, availability: "not yet available", samples: 0, p50Ms: null, p95Ms: null, maxMs: null, responseKb: null };
  }
  const load = async (i: number): Promise<Answer> => {
    const pagePath = page.path(options.ctx, i);
    const answer = await get(options.baseUrl, pagePath, { cookie: options.cookie, accept: "text/html" });
    const failure = pageFailure(answer);
    if (failure !== null) throw new Error(`page ${page.name} (${pagePath}) ${failure}`);
    return answer;
  };
  for (let i = 1; i <= options.warmup; i++) await load(i);
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < options.samples; i++) {
    const answer = await load(i);
    times.push(answer.ms);
    bytes += Buffer.byteLength(answer.body);
  }
  const summary = summarize(times);
  return {
    name: page.name,
    example,
    availability: "ok",
    samples: times.length,
    p50Ms: round(summary.p50, 1),
    p95Ms: round(summary.p95, 1),
    maxMs: round(summary.max, 1),
    responseKb: round(bytes / times.length / 1024, 1),
  };
}
