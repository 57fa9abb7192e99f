// What the database CLIs (token, users) share: usage errors → exit 2 before any database is
// touched; the app's own database resolution; output printed only after the database stopped,
// so a secret on the LAST stdout line is never followed by a log line.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { parseEnv } from "@/lib/config";
import { errorCode, errorMessage } from "@/lib/db/error-code";
import { resolveDatabase } from "@/lib/db/resolve";

export class UsageError extends Error {}

export interface CliResult {
  stdout: string[];
  exitCode: number;
}

export function parseArgsOrUsage<O extends NonNullable<ParseArgsConfig["options"]>>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options });
  } catch (err) {
    throw new UsageError(errorMessage(err));
  }
}

export function formatTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ").trimEnd());
}

export function iso(date: Date | null): string {
  return date ? date.toISOString() : "-";
}

/** Parses argv, runs the command against the app's database and sets the exit code. */
export function runCli<C>(cli: { name: string; usage: string; parse: (argv: string[]) => C; run: (command: C) => Promise<CliResult> }): void {
  main(cli).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${cli.name}: ${errorMessage(err)}\n`);
      process.exitCode = 1;
    },
  );
}

async function main<C>(cli: { name: string; usage: string; parse: (argv: string[]) => C; run: (command: C) => Promise<CliResult> }): Promise<number> {
  let command: C;
  try {
    command = cli.parse(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${cli.name}: ${err.message}\n\n${cli.usage}\n`);
    return 2;
  }

  // The same database the app uses: DATABASE_URL, else the embedded Postgres (reused when running).
  const database = await resolveDatabase(parseEnv());
  // Set before `run` imports the data modules: they read the configuration on first use.
  process.env.DATABASE_URL = database.url;
  let result: CliResult;
  try {
    // The CLI may be the first thing run on a fresh checkout, before the app ever migrated the
    // embedded database. An external database's schema belongs to the deployment, not to a CLI.
    if (database.mode === "embedded") await (await import("@/lib/db/migrate")).applyMigrations(database.url);
    result = await cli.run(command);
  } catch (err) {
    process.stderr.write(`${cli.name}: ${describeFailure(err)}\n`);
    result = { stdout: [], exitCode: 1 };
  } finally {
    const { closePool } = await import("@/lib/db/pool");
    await closePool();
    await database.stop();
  }
  for (const line of result.stdout) process.stdout.write(`${line}\n`);
  return result.exitCode;
}

// Prisma's messages open with the call site and source excerpt; the cause is the last line.
function describeFailure(err: unknown): string {
  const cause = errorMessage(err).trim().split("\n").at(-1) ?? "";
  if (errorCode(err) === "P2021") return `${cause} Apply the migrations first: \`npm run db:migrate\` (or start the app once).`;
  return cause;
}
