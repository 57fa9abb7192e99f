import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { builtRoutes, pageFailure } from "@/bench/dashboard/measure-pages";

const page = (body: string, overrides: Partial<{ status: number; contentType: string; location: string }> = {}) => ({
  status: 200,
  contentType: "text/html; charset=utf-8",
  location: "",
  body,
  ...overrides,
});

// A page whose widgets all streamed in: React completes each Suspense boundary with $RC.
const COMPLETE = '<!DOCTYPE html><html><body><!--$?--><template id="B:0"></template><!--/$--><div hidden id="S:0"><table></table></div><script>$RC("B:0","S:0")</script></body></html>';

describe("pageFailure", () => {
  it("accepts a page whose every part rendered", () => {
    expect(pageFailure(page(COMPLETE))).toBeNull();
  });

  it("refuses anything but 200, naming where a redirect points", () => {
    expect(pageFailure(page("", { status: 307, location: "/login?callbackUrl=%2Fevents" }))).toBe("answered 307 → /login?callbackUrl=%2Fevents");
    expect(pageFailure(page("<html>forbidden</html>", { status: 403 }))).toBe("answered 403");
  });

  it("refuses a 200 that is not HTML", () => {
    expect(pageFailure(page("{}", { contentType: "application/json" }))).toBe("answered application/json, not HTML");
  });

  it("refuses a part that failed on the server after the 200 was sent, with its digest", () => {
    const streamed = `${COMPLETE}<script>$RX=function(b,c,d,e,f){};$RX("B:1","3412890")</script>`;
    expect(pageFailure(page(streamed))).toBe("a part of the page failed to render on the server (digest 3412890)");
    const inShell = '<html><body><!--$!--><template data-dgst="NEXT_HTTP_ERROR_FALLBACK;404"></template><!--/$--></body></html>';
    expect(pageFailure(page(inShell))).toBe("a part of the page failed to render on the server (digest NEXT_HTTP_ERROR_FALLBACK;404)");
  });

  it("refuses a redirect or a not-found thrown inside a streamed part", () => {
    expect(pageFailure(page(`${COMPLETE}<script>self.__next_f.push([1,"digest\\":\\"NEXT_REDIRECT;replace;/login;307;"])</script>`))).toBe("a part of the page redirected");
    expect(pageFailure(page(`${COMPLETE}<script>self.__next_f.push([1,"NEXT_HTTP_ERROR_FALLBACK;404"])</script>`))).toBe("a part of the page answered not found or forbidden");
  });
});

describe("builtRoutes", () => {
  it("lists the routes of a build's app-path-routes-manifest.json", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bench-routes-"));
    writeFileSync(path.join(dir, "app-path-routes-manifest.json"), JSON.stringify({ "/(dashboard)/page": "/", "/(dashboard)/events/[eventId]/page": "/events/[eventId]" }));
    const routes = builtRoutes(dir);
    expect([...routes].sort()).toEqual(["/", "/events/[eventId]"]);
    expect(routes.has("/alerts")).toBe(false);
  });
});
