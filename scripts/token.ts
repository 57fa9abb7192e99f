// npm run token -- create --name <name> --role viewer|support|admin | list | revoke <name>
// API tokens for /api/v1 (API.md §8). The new token is the LAST line on stdout, so scripts can
// take it with `| tail -n 1`; everything else a user needs to read goes to stderr or before it.
import { parseArgs } from "node:util";
import { roleSchema, ROLES, type Role } from "@/lib/auth/roles";
import { tokenNameSchema } from "@/lib/auth/token-format";
import { parseEnv } from "@/lib/config";
import { errorCode, errorMessage } from "@/lib/db/error-code";
import { resolveDatabase } from "@/lib/db/resolve";

const USAGE = `Usage:
  npm run token -- create --name <name> --role ${ROLES.join("|")}
  npm run token -- list
  npm run token -- revoke <name>`;

type Command = { kind: "create"; name: string; role: Role } | { kind: "list" } | { kind: "revoke"; name: string };

class UsageError extends Error {}

function parseCommand(argv: string[]): Command {
  const { values, positionals } = parseArgsOrUsage(argv);
  const [verb, ...rest] = positionals;
  switch (verb) {
    case "create": {
      if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
      const name = tokenNameSchema.safeParse(values.name);
      if (!name.success) throw new UsageError(values.name === undefined ? "--name is required" : `--name: ${name.error.issues[0]?.message}`);
      const role = roleSchema.safeParse(values.role);
      if (!role.success) throw new UsageError(`--role must be one of ${ROLES.join(", ")}`);
      return { kind: "create", name: name.data, role: role.data };
    }
    case "list":
      if (rest.length > 0 || values.name !== undefined || values.role !== undefined) throw new UsageError("list takes no arguments");
      return { kind: "list" };
    case "revoke": {
      if (rest.length !== 1 || values.name !== undefined || values.role !== undefined) throw new UsageError("revoke takes exactly one token name");
      const name = tokenNameSchema.safeParse(rest[0]);
      if (!name.success) throw new UsageError(name.error.issues[0]?.message ?? "invalid token name");
      return { kind: "revoke", name: name.data };
    }
    case undefined:
      throw new UsageError("missing command");
    default:
      throw new UsageError(`unknown command "${verb}"`);
  }
}

function parseArgsOrUsage(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: { name: { type: "string" }, role: { type: "string" } } });
  } catch (err) {
    throw new UsageError(errorMessage(err));
  }
}

/** Runs the command; returns the stdout lines and the exit code. */
async function run(command: Command): Promise<{ stdout: string[]; exitCode: number }> {
  // Loaded only now: these modules read the configuration, which must see the resolved URL.
  const tokens = await import("@/lib/auth/api-tokens");
  switch (command.kind) {
    case "create": {
      const created = await tokens.createApiToken(command);
      process.stderr.write(`Created token "${created.name}" (${created.role}). Copy it now: it cannot be shown again.\n`);
      return { stdout: [created.token], exitCode: 0 };
    }
    case "list": {
      const rows = await tokens.listApiTokens();
      if (rows.length === 0) return { stdout: ["No API tokens."], exitCode: 0 };
      const table = rows.map((t) => [t.name, t.role, iso(t.createdAt), iso(t.lastUsedAt), iso(t.revokedAt)]);
      return { stdout: formatTable(["NAME", "ROLE", "CREATED", "LAST USED", "REVOKED"], table), exitCode: 0 };
    }
    case "revoke": {
      const outcome = await tokens.revokeApiToken(command.name);
      if (outcome === "not_found") {
        process.stderr.write(`token: no token named "${command.name}"\n`);
        return { stdout: [], exitCode: 1 };
      }
      return { stdout: [outcome === "revoked" ? `Revoked "${command.name}".` : `"${command.name}" was already revoked.`], exitCode: 0 };
    }
  }
}

function iso(date: Date | null): string {
  return date ? date.toISOString() : "-";
}

function formatTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ").trimEnd());
}

async function main(): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`token: ${err.message}\n\n${USAGE}\n`);
    return 2;
  }

  // The same database the app uses: DATABASE_URL, else the embedded Postgres (reused when running).
  const database = await resolveDatabase(parseEnv());
  process.env.DATABASE_URL = database.url;
  let result: { stdout: string[]; exitCode: number };
  try {
    // The CLI may be the first thing run on a fresh checkout, before the app ever migrated the
    // embedded database. An external database's schema belongs to the deployment, not to a CLI.
    if (database.mode === "embedded") await (await import("@/lib/db/migrate")).applyMigrations(database.url);
    result = await run(command);
  } catch (err) {
    process.stderr.write(`token: ${describeFailure(err)}\n`);
    result = { stdout: [], exitCode: 1 };
  } finally {
    const { closePool } = await import("@/lib/db/pool");
    await closePool();
    await database.stop();
  }
  // Printed after the database has stopped, so no log line can follow the token.
  for (const line of result.stdout) process.stdout.write(`${line}\n`);
  return result.exitCode;
}

// Prisma's messages open with the call site and source excerpt; the cause is the last line.
function describeFailure(err: unknown): string {
  const cause = errorMessage(err).trim().split("\n").at(-1) ?? "";
  if (errorCode(err) === "P2021") return `${cause} Apply the migrations first: \`npm run db:migrate\` (or start the app once).`;
  return cause;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`token: ${errorMessage(err)}\n`);
    process.exitCode = 1;
  },
);
