import Link from "next/link";
import { single, withParams, type SearchParamsRecord } from "@/components/url/search-params";

// Keyset cursors only point forward, so "Previous" needs the cursors that led here: they ride
// along in the URL as `trail` (dot-separated; base64url never contains a dot). The URL then
// names the page exactly — reload, share and Back all land on the same rows.

const SEPARATOR = ".";

export function KeysetPager({ pathname, searchParams, nextCursor }: { pathname: string; searchParams: SearchParamsRecord; nextCursor: string | null }) {
  const current = single(searchParams.cursor);
  const trail = (single(searchParams.trail) ?? "").split(SEPARATOR).filter(Boolean);
  // Page 1 has no cursor; the trail holds the cursors of pages 2…n-1.
  const previous = current === undefined ? null : { cursor: trail.at(-1), trail: trail.slice(0, -1) };
  const next = nextCursor === null ? null : { cursor: nextCursor, trail: current === undefined ? trail : [...trail, current] };
  if (!previous && !next) return null;
  return (
    <nav aria-label="Pagination" className="mt-3 flex items-center justify-between gap-2 text-sm">
      {previous ? <PagerLink href={hrefFor(pathname, searchParams, previous)} rel="prev" label="← Previous" /> : <span />}
      <span className="text-slate-600">Page {trail.length + (current === undefined ? 1 : 2)}</span>
      {next ? <PagerLink href={hrefFor(pathname, searchParams, next)} rel="next" label="Next →" /> : <span />}
    </nav>
  );
}

function PagerLink({ href, rel, label }: { href: string; rel: "prev" | "next"; label: string }) {
  return (
    <Link
      href={href}
      rel={rel}
      scroll={false}
      className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium text-slate-800 shadow-sm hover:bg-slate-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-700"
    >
      {label}
    </Link>
  );
}

function hrefFor(pathname: string, searchParams: SearchParamsRecord, position: { cursor: string | undefined; trail: string[] }): string {
  return withParams(pathname, searchParams, {
    cursor: position.cursor,
    trail: position.trail.length > 0 ? position.trail.join(SEPARATOR) : undefined,
  });
}
