// npm run token -- create --name <name> --role viewer|support|admin | list | revoke <name>
// API tokens for /api/v1 (API.md §8). The new token is the LAST line on stdout, so scripts can
// take it with `| tail -n 1`; everything else a user needs to read goes to stderr or before it.
// Creating and revoking are audited with the OS user as the actor.
import { roleSchema, ROLES, type Role } from "@/lib/auth/roles";
import { tokenNameSchema } from "@/lib/auth/token-format";
import { formatTable, iso, parseArgsOrUsage, runCli, UsageError, type CliResult } from "./lib/cli";

const USAGE = `Usage:
  npm run token -- create --name <name> --role ${ROLES.join("|")}
  npm run token -- list
  npm run token -- revoke <name>`;

type Command = { kind: "create"; name: string; role: Role } | { kind: "list" } | { kind: "revoke"; name: string };

function parseCommand(argv: string[]): Command {
  const { values, positionals } = parseArgsOrUsage(argv, { name: { type: "string" }, role: { type: "string" } });
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

async function run(command: Command): Promise<CliResult> {
  // Loaded only now: these modules read the configuration, which must see the resolved URL.
  const tokens = await import("@/lib/auth/api-tokens");
  const { cliActor } = await import("@/lib/audit");
  switch (command.kind) {
    case "create": {
      const created = await tokens.createApiToken({ name: command.name, role: command.role, actor: cliActor() });
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
      const outcome = await tokens.revokeApiToken(command.name, cliActor());
      if (outcome === "not_found") {
        process.stderr.write(`token: no token named "${command.name}"\n`);
        return { stdout: [], exitCode: 1 };
      }
      return { stdout: [outcome === "revoked" ? `Revoked "${command.name}".` : `"${command.name}" was already revoked.`], exitCode: 0 };
    }
  }
}

runCli({ name: "token", usage: USAGE, parse: parseCommand, run });
