import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * A secret generated on first start and kept under the data dir (mode 0600), so restarts keep
 * sessions and signatures valid without the user configuring anything locally.
 */
export function readOrCreateSecret(dataDir: string, fileName: string, generate: () => string): string {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, fileName);
  if (existsSync(file)) {
    const existing = readFileSync(file, "utf8").trim();
    if (existing) return existing;
  }
  const secret = generate();
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "w" });
  chmodSync(file, 0o600);
  return secret;
}

export const generateAuthSecret = (): string => randomBytes(32).toString("base64url");

// Inngest signing keys look like `signkey-<env>-<hex>`; the SDK strips the prefix before use.
export const generateSigningKey = (): string => `signkey-prod-${randomBytes(32).toString("hex")}`;
