import { InngestCommHandler, type Inngest, type InngestFunction } from "inngest";

// The executor reaches the app's functions through a second serve handler that is never routed:
// only code in this process can call it, so it skips signature checks (an in-process request
// already costs 2–2.6 ms of CPU without HMAC-ing every body), while the public /api/inngest
// route keeps verifying signatures. It takes plain objects instead of Request/Response, saving
// their construction on every call.

export interface SdkRequest {
  method: "POST" | "PUT";
  query: Record<string, string>;
  headers: Record<string, string>;
  /** JSON text: the SDK parses it, so functions get their own copies of events and step data. */
  body: string;
}

export interface SdkResponse {
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: string;
}

export type SdkTransport = (request: SdkRequest) => Promise<SdkResponse>;

/** Where the serve handler believes it is mounted; it only shows up in synced function configs. */
export const EMBEDDED_SERVE_URL = "http://embedded-executor.invalid/api/inngest";

export function createInProcessTransport(client: Inngest.Like, functions: readonly InngestFunction.Like[]): SdkTransport {
  const commHandler = new InngestCommHandler<[SdkRequest], SdkResponse>({
    frameworkName: "embedded-executor",
    client,
    functions,
    skipSignatureValidation: true,
    handler: (request: SdkRequest) => ({
      body: () => request.body,
      headers: (key: string) => request.headers[key.toLowerCase()] ?? null,
      method: () => request.method,
      url: () => {
        const url = new URL(EMBEDDED_SERVE_URL);
        for (const [key, value] of Object.entries(request.query)) url.searchParams.set(key, value);
        return url;
      },
      transformResponse: ({ status, headers, body }) => ({
        status,
        headers: Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value])),
        body,
      }),
    }),
  });
  return commHandler.createHandler<SdkTransport>();
}
