import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

// Server actions over HTTP, as the browser's router calls them: a POST to a page that uses the
// action, `Next-Action: <id>` naming it, and the arguments encoded as React's encodeReply does —
// the FormData's fields under the `_1_` prefix, then part "0" = [previousState, "$K1"]. Action ids
// come from the build the app runs (NEXT_DIST_DIR's server-reference-manifest.json).

export interface ManifestAction {
  id: string;
  /** Source file, relative to the repository ("lib/actions/create-token.ts"). */
  filename: string;
  exportedName: string;
  /** The app paths whose pages use it ("app/(dashboard)/admin/tokens/page"). */
  workers: string[];
}

const manifestSchema = z.object({
  node: z.record(z.string(), z.object({ workers: z.record(z.string(), z.unknown()), filename: z.string(), exportedName: z.string() })),
});

export function readActionManifest(distDir = process.env.NEXT_DIST_DIR || ".next"): ManifestAction[] {
  const file = path.join(process.cwd(), distDir, "server", "server-reference-manifest.json");
  const manifest = manifestSchema.parse(JSON.parse(readFileSync(file, "utf8")));
  return Object.entries(manifest.node).map(([id, entry]) => ({ id, filename: entry.filename, exportedName: entry.exportedName, workers: Object.keys(entry.workers) }));
}

export interface ActionAnswer {
  status: number;
  /** `x-action-redirect`: where redirect() inside the action sends the browser, or null. */
  redirect: string | null;
  /** The Flight response: the action's result is one of its rows. */
  text: string;
}

export async function callAction(
  baseUrl: string,
  { pagePath, actionId, fields, headers = {} }: { pagePath: string; actionId: string; fields: [string, string][]; headers?: Record<string, string> },
): Promise<ActionAnswer> {
  const form = new FormData();
  for (const [name, value] of fields) form.append(`_1_${name}`, value);
  // Last, as encodeReply writes it: the server resolves "$K1" when part "0" arrives.
  form.append("0", JSON.stringify([null, "$K1"]));
  const response = await fetch(`${baseUrl}${pagePath}`, { method: "POST", redirect: "manual", headers: { "next-action": actionId, ...headers }, body: form });
  return { status: response.status, redirect: response.headers.get("x-action-redirect"), text: await response.text() };
}

const resultSchema = z.object({ ok: z.boolean(), message: z.string(), secret: z.string().optional() });

/** The `{ ok, message }` an authorizedAction returned, read out of the Flight response; null when there is none. */
export function actionResult(answer: ActionAnswer): z.infer<typeof resultSchema> | null {
  for (const line of answer.text.split("\n")) {
    const json = line.match(/^[0-9a-f]+:(\{"ok":.*\})$/)?.[1];
    if (!json) continue;
    const parsed = resultSchema.safeParse(JSON.parse(json));
    if (parsed.success) return parsed.data;
  }
  return null;
}

/** The URL path of the first page using an action ("app/(dashboard)/events/[eventId]/page" → "/events/[eventId]"). */
export function pagePattern(worker: string): string {
  const segments = worker.replace(/^app\//, "").replace(/\/?page$/, "").split("/").filter((s) => s !== "" && !/^\(.*\)$/.test(s));
  return `/${segments.join("/")}`;
}
