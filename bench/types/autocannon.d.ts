// The part of autocannon@9's API the benchmark uses (the package ships no types).
declare module "autocannon" {
  import type { EventEmitter } from "node:events";

  function autocannon(options: autocannon.Options): autocannon.Instance;

  namespace autocannon {
    interface RequestParams {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: Buffer | string;
    }

    interface Options {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      amount?: number;
      connectionRate?: number;
      /** Seconds. */
      timeout?: number;
      requests?: { setupRequest: (request: RequestParams) => RequestParams }[];
    }

    interface Result {
      errors: number;
      timeouts: number;
      non2xx: number;
      duration: number;
      statusCodeStats: Record<string, { count: number }>;
    }

    interface Instance extends EventEmitter, PromiseLike<Result> {
      on(event: "response", listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): this;
      on(event: "reqError", listener: (error: Error) => void): this;
      stop(): void;
    }
  }

  export = autocannon;
}
