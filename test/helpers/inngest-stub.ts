import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { freePort } from "./postgres-server";

export interface ReceivedEvent {
  id?: string;
  name: string;
  data: Record<string, unknown>;
}

export interface InngestStub {
  baseUrl: string;
  events: ReceivedEvent[];
  /** Switches what the event API does from now on (see StubMode). */
  setMode(mode: StubMode): Promise<void>;
  /** Called with every batch the event API accepted. */
  onEvents(listener: (batch: ReceivedEvent[]) => void): void;
  close(): Promise<void>;
}

/** "up" answers; "hang" accepts connections and never answers, as a wedged server would; "down": nothing listens. */
export type StubMode = "up" | "hang" | "down";

// Stands in for Inngest's event API (POST /e/<key>) — the only part of Inngest the app calls
// when sending. Its port is fixed at start, so the app can be configured with it while it is down.
export async function startInngestStub({ mode: initial = "up" }: { mode?: StubMode } = {}): Promise<InngestStub> {
  let mode = initial;
  const events: ReceivedEvent[] = [];
  const listeners: ((batch: ReceivedEvent[]) => void)[] = [];
  const server: Server = createServer(async (req, res) => {
    if (mode === "hang") return;
    const body = await readBody(req);
    if (req.method === "POST" && req.url?.startsWith("/e/")) {
      const parsed: unknown = JSON.parse(body);
      const batch = (Array.isArray(parsed) ? parsed : [parsed]) as ReceivedEvent[];
      events.push(...batch);
      for (const listener of listeners) listener(batch);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ids: batch.map((e) => e.id ?? ""), status: 200 }));
      return;
    }
    res.writeHead(404).end();
  });
  const port = await freePort();
  const listen = () => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const unlisten = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  if (mode !== "down") await listen();
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    events,
    setMode: async (next) => {
      const listening = mode !== "down";
      mode = next;
      if (listening && next === "down") await unlisten();
      if (!listening && next !== "down") await listen();
    },
    onEvents: (listener) => listeners.push(listener),
    close: () => (mode === "down" ? Promise.resolve() : unlisten()),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** RFC 8785 for the plain JSON Inngest sends: objects with sorted keys, no whitespace. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** What Inngest would send to run a function (attempt is 0-based): the call body and its X-Inngest-Signature. */
export function signedFunctionCall(signingKey: string, event: ReceivedEvent, runId: string, attempt = 0): { body: string; signature: string } {
  const withTs = { ...event, ts: Date.now() };
  const body = canonicalJson({
    ctx: { attempt, max_attempts: 4, run_id: runId, stack: { current: 0, stack: [] }, use_api: false },
    event: withTs,
    events: [withTs],
    steps: {},
  });
  const t = Math.floor(Date.now() / 1000);
  const key = signingKey.replace(/^signkey-\w+-/, "");
  return { body, signature: `t=${t}&s=${createHmac("sha256", key).update(body + t).digest("hex")}` };
}
