// What the numbers were measured on, and the database settings that decide what they mean
// (synchronous_commit and fsync on: every acknowledged delivery is on disk).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import type pg from "pg";

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  os: string;
  kernel: string;
  node: string;
  postgres: string;
  /** Server-wide settings of the benchmark's (embedded, as shipped) PostgreSQL. */
  postgresSettings: Record<string, string>;
  /** Per-database or per-role overrides (ALTER DATABASE/ROLE … SET): none means the settings above hold for every session. */
  settingOverrides: string[];
  loadAverageAtStart: number[];
  git: { commit: string; dirty: boolean };
}

const SETTINGS = ["synchronous_commit", "fsync", "full_page_writes", "wal_level", "shared_buffers", "max_connections", "session_preload_libraries"];

function git(args: string[]): string {
  try {
    return execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "";
  }
}

function osName(): string {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync("/etc/os-release", "utf8"))?.[1] ?? os.type();
  } catch {
    return os.type();
  }
}

export async function describeMachine(client: pg.Client): Promise<MachineInfo> {
  const { rows } = await client.query<{ name: string; setting: string }>(
    "SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name = ANY($1::text[]) ORDER BY name",
    [SETTINGS],
  );
  const overrides = await client.query<{ setconfig: string[] }>("SELECT setconfig FROM pg_db_role_setting");
  const version = await client.query<{ server_version: string }>("SHOW server_version");
  return {
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    os: osName(),
    kernel: os.release(),
    node: process.version,
    postgres: version.rows[0]?.server_version ?? "unknown",
    postgresSettings: Object.fromEntries(rows.map((r) => [r.name, r.setting])),
    settingOverrides: overrides.rows.flatMap((r) => r.setconfig),
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
    git: { commit: git(["rev-parse", "--short", "HEAD"]), dirty: git(["status", "--porcelain"]).length > 0 },
  };
}
