import { type APIRequestContext, request } from "@playwright/test";
import { storageStatePath } from "./e2e-users";

// What e2e/global-setup.ts started, as the specs see it.

export function baseUrl(): string {
  const url = process.env.E2E_BASE_URL;
  if (!url) throw new Error("E2E_BASE_URL is not set: run through playwright.config.ts (its global setup starts the app)");
  return url;
}

// The app's own database, where specs seed rows or install faults.
export function databaseUrl(): string {
  const url = process.env.E2E_DATABASE_URL;
  if (!url) throw new Error("E2E_DATABASE_URL is not set: e2e/global-setup.ts must export the database it created");
  return url;
}

/**
 * An admin API client. One connection per request: specs wait for crons between calls, longer
 * than the server's keep-alive timeout, and a request sent on a socket the server is closing at
 * that moment fails with ECONNRESET.
 */
export function adminApi(): Promise<APIRequestContext> {
  return request.newContext({ baseURL: baseUrl(), storageState: storageStatePath("admin"), extraHTTPHeaders: { connection: "close" } });
}
