// Server time of the dashboard's reads: one request at a time over a kept-alive loopback
// connection, so the time measured is the server's plus well under a millisecond of transport.
import http from "node:http";
import { performance } from "node:perf_hooks";
import { round, summarize } from "@/bench/lib/stats";
import type { Endpoint, EndpointContext } from "./endpoints";

export type Availability = "ok" | "not yet available" | "error";

export interface EndpointTiming {
  group: Endpoint["group"];
  name: string;
  /** The first request's path, as an example. */
  example: string;
  availability: Availability;
  /** Status of the first request; the error code when it was not a 2xx. */
  status: number;
  error: string | null;
  samples: number;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
  responseKb: number | null;
}

export interface Answer {
  status: number;
  contentType: string;
  /** Where a redirect points; "" otherwise. */
  location: string;
  body: string;
  ms: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** The whole response: `ms` runs from sending the request to its last byte. */
export function get(baseUrl: string, path: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.get(`${baseUrl}${path}`, { agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const ms = performance.now() - started;
        resolve({
          status: response.statusCode ?? 0,
          contentType: String(response.headers["content-type"] ?? ""),
          location: response.headers.location ?? "",
          body: Buffer.concat(chunks).toString("utf8"),
          ms,
        });
      });
      response.on("error", reject);
    });
    request.on("error", reject);
  });
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

// A route that does not exist yet gets Next's own 404 page (HTML); a missing resource gets the
// API's JSON error. Only the first means "not yet available".
function availabilityOf(answer: Answer): Availability {
  if (answer.status >= 200 && answer.status < 300) return "ok";
  if (answer.status === 404 && !answer.contentType.includes("application/json")) return "not yet available";
  return "error";
}

function errorCodeOf(answer: Answer): string {
  try {
    const parsed: unknown = JSON.parse(answer.body);
    const error = typeof parsed === "object" && parsed !== null ? Reflect.get(parsed, "error") : null;
    const code = typeof error === "object" && error !== null ? Reflect.get(error, "code") : null;
    return typeof code === "string" ? code : `HTTP ${answer.status}`;
  } catch {
    return `HTTP ${answer.status}`;
  }
}

export async function timeEndpoint(
  endpoint: Endpoint,
  options: { baseUrl: string; token: string; ctx: EndpointContext; samples: number; warmup: number },
): Promise<EndpointTiming> {
  const example = endpoint.path(options.ctx, 0);
  const first = await get(options.baseUrl, example, bearer(options.token));
  const availability = availabilityOf(first);
  const base = { group: endpoint.group, name: endpoint.name, example, availability, status: first.status };
  if (availability !== "ok") {
    return { ...base, error: availability === "error" ? errorCodeOf(first) : null, samples: 0, p50Ms: null, p95Ms: null, maxMs: null, responseKb: null };
  }
  for (let i = 1; i <= options.warmup; i++) await get(options.baseUrl, endpoint.path(options.ctx, i), bearer(options.token));
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < options.samples; i++) {
    const answer = await get(options.baseUrl, endpoint.path(options.ctx, i), bearer(options.token));
    if (answer.status >= 300) throw new Error(`${endpoint.group} / ${endpoint.name} answered ${answer.status} ${errorCodeOf(answer)} on sample ${i}`);
    times.push(answer.ms);
    bytes += Buffer.byteLength(answer.body);
  }
  const summary = summarize(times);
  return {
    ...base,
    error: null,
    samples: times.length,
    p50Ms: round(summary.p50, 1),
    p95Ms: round(summary.p95, 1),
    maxMs: round(summary.max, 1),
    responseKb: round(bytes / times.length / 1024, 1),
  };
}
