import http from "node:http";
import { z } from "zod";

// A Slack-compatible webhook on 127.0.0.1 that records every POST and answers as the test says:
// "ok" (200 "ok", as Slack does), "fail" (HTTP 500) or "hang" (never answers).

export type ReceiverMode = "ok" | "fail" | "hang";

export interface ReceivedMessage {
  transition: "opened" | "resolved";
  rule: string;
  subject: string;
  text: string;
  /** How the receiver answered it. */
  answeredWith: ReceiverMode;
}

export interface WebhookReceiver {
  url: string;
  mode: ReceiverMode;
  received: ReceivedMessage[];
  close(): Promise<void>;
}

const messageSchema = z.object({
  text: z.string(),
  blocks: z.array(z.object({ type: z.string(), elements: z.array(z.object({ text: z.string() })).optional() })),
});

function parse(body: string): Omit<ReceivedMessage, "answeredWith"> {
  const message = messageSchema.parse(JSON.parse(body));
  const context = message.blocks.find((b) => b.type === "context")?.elements?.[0]?.text ?? "";
  return {
    transition: message.text.startsWith("✅ Resolved") ? "resolved" : "opened",
    rule: /rule `([^`]+)`/.exec(context)?.[1] ?? "",
    subject: /subject `([^`]+)`/.exec(context)?.[1] ?? "",
    text: message.text,
  };
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const receiver = { mode: "ok" as ReceiverMode, received: [] as ReceivedMessage[] };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      const mode = receiver.mode;
      receiver.received.push({ ...parse(body), answeredWith: mode });
      if (mode === "hang") return;
      res.writeHead(mode === "ok" ? 200 : 500, { "content-type": "text/plain" }).end(mode === "ok" ? "ok" : "internal_error");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the webhook receiver has no TCP port");
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${address.port}/services/T000/B000/secret-path`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
