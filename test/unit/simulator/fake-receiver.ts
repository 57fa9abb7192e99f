// A receiver on 127.0.0.1 that answers like API.md §1 using the product's own envelope and
// signature code, but stores in memory — enough to test the sender without Postgres or Next.
import { once } from "node:events";
import http from "node:http";
import { isRecord } from "@/lib/smartcar/coerce";
import { parseJson, readEnvelope } from "@/lib/smartcar/envelope";
import { hashChallenge, isValidChallenge, verifySignature } from "@/lib/smartcar/signature";

export interface ReceivedDelivery {
  eventId: string | null;
  deliveryId: string | null;
  deliveredAt: number | null;
  receivedAt: number;
  status: number;
}

export interface FakeReceiverOptions {
  token: string;
  maxBodyBytes?: number;
  /** Answer 503 to the first attempt of every nth stored event (n = 0: never). */
  failFirstOfEvery?: number;
  /** A broken receiver: every stored delivery is answered "accepted", duplicates too. */
  forgetsDuplicates?: boolean;
}

export interface FakeReceiver {
  url: string;
  deliveries: ReceivedDelivery[];
  events: Set<string>;
  rejections: Record<string, number>;
  maxInFlight: number;
  close(): Promise<void>;
}

export async function startFakeReceiver(options: FakeReceiverOptions): Promise<FakeReceiver> {
  const maxBodyBytes = options.maxBodyBytes ?? 65_536;
  const deliveries: ReceivedDelivery[] = [];
  const rejections: Record<string, number> = {};
  const state = { deliveries, events: new Set<string>(), rejections, maxInFlight: 0, inFlight: 0, stored: 0 };
  const failedOnce = new Set<string>();

  const server = http.createServer(async (req, res) => {
    state.inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(Buffer.from(chunk));
    const bytes = new Uint8Array(Buffer.concat(chunks));
    // Let concurrent requests overlap, as a real receiver's database round trip would.
    await new Promise((resolve) => setImmediate(resolve));
    const answer = decide(bytes, req.headers["sc-signature"]);
    state.inFlight -= 1;
    res.writeHead(answer.status, { "content-type": "application/json" });
    res.end(JSON.stringify(answer.body));
  });

  function reject(status: number, code: string): { status: number; body: unknown } {
    state.rejections[code] = (state.rejections[code] ?? 0) + 1;
    return { status, body: { error: { code, message: code } } };
  }

  function decide(bytes: Uint8Array, header: string | string[] | undefined): { status: number; body: unknown } {
    if (bytes.byteLength > maxBodyBytes) return reject(413, "BODY_TOO_LARGE");
    const json = parseJson(bytes);
    const envelope = json.ok ? readEnvelope(json.value, bytes) : null;
    if (envelope?.kind === "verify") {
      if (!isValidChallenge(envelope.challenge)) return { status: 400, body: { error: { code: "INVALID_CHALLENGE", message: "" } } };
      return { status: 200, body: { challenge: hashChallenge(options.token, envelope.challenge) } };
    }
    const check = verifySignature({ rawBody: bytes, signature: typeof header === "string" ? header : null, tokens: [{ slot: "current", token: options.token }] });
    if (!check.ok) return reject(401, check.reason);
    if (!json.ok || !envelope) return reject(400, "INVALID_JSON");
    if (envelope.kind !== "event") return reject(400, "INVALID_SCHEMA");
    const meta = isRecord(json.value) && isRecord(json.value.meta) ? json.value.meta : {};
    const delivery = {
      eventId: envelope.eventId,
      deliveryId: typeof meta.deliveryId === "string" ? meta.deliveryId : null,
      deliveredAt: typeof meta.deliveredAt === "number" ? meta.deliveredAt : null,
      receivedAt: Date.now(),
    };
    const every = options.failFirstOfEvery ?? 0;
    if (every > 0 && !state.events.has(envelope.eventId) && !failedOnce.has(envelope.eventId) && state.stored++ % every === 0) {
      failedOnce.add(envelope.eventId);
      state.deliveries.push({ ...delivery, status: 503 });
      return { status: 503, body: { error: { code: "STORAGE_UNAVAILABLE", message: "" } } };
    }
    const duplicate = state.events.has(envelope.eventId) && !options.forgetsDuplicates;
    state.events.add(envelope.eventId);
    state.deliveries.push({ ...delivery, status: 200 });
    return { status: 200, body: { status: duplicate ? "duplicate" : "accepted", eventId: envelope.eventId } };
  }

  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the fake receiver has no TCP port");
  return {
    url: `http://127.0.0.1:${address.port}/api/webhooks/smartcar`,
    deliveries: state.deliveries,
    events: state.events,
    rejections: state.rejections,
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}
