import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { TEST_TOKEN } from "./app";

const FIXTURES = path.join(process.cwd(), "test", "fixtures", "smartcar");

/** A fixture's exact bytes, as Smartcar would send them. */
export function fixtureBytes(name: string): Buffer {
  return readFileSync(path.join(FIXTURES, name));
}

export function fixtureJson(name: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(fixtureBytes(name).toString("utf8"));
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error(`${name} is not an object`);
  return parsed as Record<string, unknown>;
}

export function sign(body: Buffer | string, token = TEST_TOKEN): string {
  return createHmac("sha256", token).update(body).digest("hex");
}

export interface PostOptions {
  token?: string | null;
  signature?: string | null;
  headers?: Record<string, string>;
}

/** POSTs a body to the receiver, signed with the test token unless told otherwise. */
export async function postWebhook(baseUrl: string, body: Buffer | string, options: PostOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "Smartcar/test", ...options.headers };
  const signature = options.signature !== undefined ? options.signature : sign(body, options.token ?? TEST_TOKEN);
  if (signature !== null) headers["sc-signature"] = signature;
  return fetch(`${baseUrl}/api/webhooks/smartcar`, { method: "POST", headers, body: typeof body === "string" ? body : new Uint8Array(body) });
}
