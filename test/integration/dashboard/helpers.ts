import { randomUUID } from "node:crypto";
import type pg from "pg";
import { generateApiToken, hashApiToken } from "@/lib/auth/token-format";
import type { Role } from "@/lib/auth/roles";

// Shared by the dashboard suites: API tokens written straight into the test database (no app
// module needs loading in the test process), a small JSON client, and payload builders.

export async function insertApiToken(db: pg.Pool, role: Role): Promise<string> {
  const token = generateApiToken();
  await db.query("INSERT INTO api_token (id, name, role, token_hash) VALUES ($1, $2, $3, $4)", [randomUUID(), `${role}-${randomUUID().slice(0, 8)}`, role, hashApiToken(token)]);
  return token;
}

export interface ApiAnswer {
  status: number;
  body: unknown;
}

export function apiClient(baseUrl: string, token: string | null) {
  const headers = (extra: Record<string, string> = {}) => ({ ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra });
  return {
    async get(path: string): Promise<ApiAnswer> {
      const res = await fetch(`${baseUrl}${path}`, { headers: headers() });
      return { status: res.status, body: await res.json() };
    },
    async post(path: string, body?: unknown): Promise<ApiAnswer> {
      const res = await fetch(`${baseUrl}${path}`, {
        method: "POST",
        headers: headers({ "content-type": "application/json" }),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    },
  };
}

/** A VEHICLE_STATE whose signals all failed with the given (type, code). */
export function failedSignalsState(vehicleId: string, failures: { code: string; type: string; errorCode: string }[], make = "TESLA"): string {
  return JSON.stringify({
    eventId: randomUUID(),
    eventType: "VEHICLE_STATE",
    vehicleId,
    data: {
      user: { id: "user-1" },
      vehicle: { id: vehicleId, make, model: "Model Y", year: 2024 },
      signals: failures.map((f) => ({ code: f.code, name: f.code, group: "G", status: { value: "ERROR", error: { type: f.type, code: f.errorCode } } })),
    },
    meta: { version: "4.0", deliveryId: randomUUID(), deliveredAt: Date.now(), mode: "LIVE" },
  });
}

/** A VEHICLE_ERROR opening (or resolving) one condition. */
export function vehicleError(
  vehicleId: string,
  error: { type: string; code: string; state?: "ERROR" | "RESOLVED"; signals?: string[] },
  make = "TESLA",
  deliveredAt = Date.now(),
): string {
  return JSON.stringify({
    eventId: randomUUID(),
    eventType: "VEHICLE_ERROR",
    vehicleId,
    data: {
      user: { id: "user-1" },
      vehicle: { id: vehicleId, make, model: "Model Y", year: 2024 },
      errors: [{ type: error.type, code: error.code, state: error.state ?? "ERROR", description: "test", signals: (error.signals ?? []).map((code) => ({ code })) }],
    },
    meta: { version: "4.0", deliveryId: randomUUID(), deliveredAt, mode: "LIVE" },
  });
}
