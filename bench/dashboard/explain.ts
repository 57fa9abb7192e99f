// EXPLAIN (ANALYZE, FORMAT JSON) of exactly what each dashboard request runs, with its real
// parameters: auto_explain (preloaded, off until now — bench/lib/postgres.ts) logs every
// statement's plan while one request per endpoint is made, and the log is read back per request.
// Nothing has to know the SQL, so new endpoints and changed queries are covered automatically.
import { open, stat } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";
import type pg from "pg";

export interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Actual Rows"?: number;
  "Actual Total Time"?: number;
  Plans?: PlanNode[];
  [key: string]: unknown;
}

export interface LoggedPlan {
  "Query Text": string;
  Plan: PlanNode;
}

export interface SeqScan {
  relation: string;
  /** Rows in the table (pg_class.reltuples). */
  tableRows: number;
}

export interface QueryPlan {
  sql: string;
  durationMs: number;
  seqScansOnBigTables: SeqScan[];
  plan: PlanNode;
}

/** A table with more rows than this is "big": a sequential scan of it is worth a look. */
export const BIG_TABLE_ROWS = 10_000;

// Background statements that may run while a request is made: the embedded executor's claims and
// leases, cron ticks, the sweep and the rollup flushes. They are not the request's queries.
const BACKGROUND = [/\bexecutor_run\b/, /\bexecutor_cron\b/, /INSERT INTO stat_hour/, /WITH picked AS/];

const SETTINGS = {
  "auto_explain.log_min_duration": "0",
  "auto_explain.log_analyze": "on",
  "auto_explain.log_buffers": "on",
  "auto_explain.log_format": "json",
};

/** Switches plan logging on for every session, the app's pooled ones included (a reload reaches them). */
export async function startPlanLogging(client: pg.Client): Promise<void> {
  for (const [name, value] of Object.entries(SETTINGS)) await client.query(`ALTER SYSTEM SET ${name} = '${value}'`);
  await client.query("SELECT pg_reload_conf()");
  // Sessions apply a reload before their next statement; give the signal time to arrive.
  await delay(500);
}

export async function stopPlanLogging(client: pg.Client): Promise<void> {
  for (const name of Object.keys(SETTINGS)) await client.query(`ALTER SYSTEM RESET ${name}`);
  await client.query("ALTER SYSTEM SET auto_explain.log_min_duration = -1");
  await client.query("SELECT pg_reload_conf()");
}

export async function bigTables(client: pg.Client): Promise<Map<string, number>> {
  const { rows } = await client.query<{ relname: string; rows: number }>(
    "SELECT relname, reltuples::bigint::float8 AS rows FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND reltuples > $1",
    [BIG_TABLE_ROWS],
  );
  return new Map(rows.map((r) => [r.relname, r.rows]));
}

/** Runs `request` and returns the plans the server logged meanwhile. */
export async function plansOf(logFile: string, request: () => Promise<unknown>, big: Map<string, number>): Promise<QueryPlan[]> {
  const offset = (await stat(logFile)).size;
  await request();
  // Plans are written when each statement ends, at most a moment after the response.
  await delay(200);
  const text = await readFrom(logFile, offset);
  return parsePlanLog(text)
    .filter((p) => !BACKGROUND.some((pattern) => pattern.test(p["Query Text"])))
    .map((p) => ({
      sql: p["Query Text"].trim(),
      durationMs: p.Plan["Actual Total Time"] ?? 0,
      seqScansOnBigTables: seqScans(p.Plan).flatMap((relation) => {
        const tableRows = big.get(relation);
        return tableRows === undefined ? [] : [{ relation, tableRows }];
      }),
      plan: p.Plan,
    }));
}

async function readFrom(file: string, offset: number): Promise<string> {
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.max(0, size - offset));
    await handle.read(buffer, 0, buffer.length, offset);
    return buffer.toString("utf8");
  } finally {
    await handle.close();
  }
}

// A log entry starts with the default prefix "2026-01-01 12:00:00.123 UTC [pid] "; continuation
// lines of a multi-line message start with a tab.
const ENTRY_START = /^(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ \[\d+\] )/m;
const PLAN_HEADER = /LOG:\s+duration: [\d.]+ ms\s+plan:\n/;

/** The auto_explain JSON plans in a stretch of server log. */
export function parsePlanLog(text: string): LoggedPlan[] {
  const plans: LoggedPlan[] = [];
  for (const entry of text.split(ENTRY_START)) {
    const header = PLAN_HEADER.exec(entry);
    if (!header) continue;
    const json = entry
      .slice(header.index + header[0].length)
      .split("\n")
      .map((line) => line.replace(/^\t/, ""))
      .join("\n");
    const parsed: unknown = JSON.parse(json);
    if (isLoggedPlan(parsed)) plans.push(parsed);
  }
  return plans;
}

function isLoggedPlan(value: unknown): value is LoggedPlan {
  return typeof value === "object" && value !== null && typeof Reflect.get(value, "Query Text") === "string" && typeof Reflect.get(value, "Plan") === "object";
}

/** Relations read by a Seq Scan anywhere in the plan. */
export function seqScans(node: PlanNode): string[] {
  const own = node["Node Type"] === "Seq Scan" && node["Relation Name"] ? [node["Relation Name"]] : [];
  return [...own, ...(node.Plans ?? []).flatMap(seqScans)];
}
