// npm run users -- add <email> --role viewer|support|admin [--name <name>] [--password-stdin]
//                   | reset <email> [--password-stdin] | remove <email> | list
// Dashboard users (API.md §8). A generated password is the LAST line on stdout (shown once);
// with --password-stdin the password is read from stdin instead, so it never appears in the
// shell history or the process list. Every change is audited with the OS user as the actor.
import { readFileSync } from "node:fs";
import { passwordSchema } from "@/lib/auth/passwords";
import { roleSchema, ROLES, type Role } from "@/lib/auth/roles";
import { displayNameSchema, emailSchema } from "@/lib/auth/user-fields";
import { formatTable, iso, parseArgsOrUsage, runCli, UsageError, type CliResult } from "./lib/cli";

const USAGE = `Usage:
  npm run users -- add <email> --role ${ROLES.join("|")} [--name <name>] [--password-stdin]
  npm run users -- reset <email> [--password-stdin]
  npm run users -- remove <email>
  npm run users -- list
Without --password-stdin a password is generated and printed as the last line.`;

type PasswordSource = "stdin" | "generate";

type Command =
  | { kind: "add"; email: string; role: Role; name: string | null; password: PasswordSource }
  | { kind: "reset"; email: string; password: PasswordSource }
  | { kind: "remove"; email: string }
  | { kind: "list" };

const OPTIONS = { role: { type: "string" }, name: { type: "string" }, "password-stdin": { type: "boolean" } } as const;

function parseCommand(argv: string[]): Command {
  const { values, positionals } = parseArgsOrUsage(argv, OPTIONS);
  const [verb, ...rest] = positionals;
  const password: PasswordSource = values["password-stdin"] ? "stdin" : "generate";
  const refuseOptions = (allowed: (keyof typeof OPTIONS)[]) => {
    for (const key of Object.keys(values)) {
      if (!allowed.some((a) => a === key)) throw new UsageError(`${verb} does not take --${key}`);
    }
  };
  switch (verb) {
    case "add": {
      refuseOptions(["role", "name", "password-stdin"]);
      const email = oneEmail(rest);
      const role = roleSchema.safeParse(values.role);
      if (!role.success) throw new UsageError(`--role must be one of ${ROLES.join(", ")}`);
      const name = displayNameSchema.safeParse(values.name ?? "");
      if (!name.success) throw new UsageError(`--name: ${name.error.issues[0]?.message}`);
      return { kind: "add", email, role: role.data, name: name.data || null, password };
    }
    case "reset":
      refuseOptions(["password-stdin"]);
      return { kind: "reset", email: oneEmail(rest), password };
    case "remove":
      refuseOptions([]);
      return { kind: "remove", email: oneEmail(rest) };
    case "list":
      refuseOptions([]);
      if (rest.length > 0) throw new UsageError("list takes no arguments");
      return { kind: "list" };
    case undefined:
      throw new UsageError("missing command");
    default:
      throw new UsageError(`unknown command "${verb}"`);
  }
}

function oneEmail(args: string[]): string {
  if (args.length !== 1) throw new UsageError("expected exactly one email");
  const email = emailSchema.safeParse(args[0]);
  if (!email.success) throw new UsageError(email.error.issues[0]?.message ?? "invalid email");
  return email.data;
}

/** The password to set and whether to print it (only a generated one is ever printed). */
async function choosePassword(source: PasswordSource): Promise<{ password: string; print: boolean }> {
  if (source === "generate") {
    const { generatePassword } = await import("@/lib/auth/passwords");
    return { password: generatePassword(), print: true };
  }
  // The first line of stdin, without its line ending: `printf '%s\n' "$PW" | npm run users -- …`.
  const line = readFileSync(0, "utf8").split(/\r?\n/)[0] ?? "";
  const parsed = passwordSchema.safeParse(line);
  if (!parsed.success) throw new Error(`password from stdin: ${parsed.error.issues[0]?.message}`);
  return { password: parsed.data, print: false };
}

async function run(command: Command): Promise<CliResult> {
  // Loaded only now: these modules read the configuration, which must see the resolved URL.
  const users = await import("@/lib/auth/users");
  const { cliActor } = await import("@/lib/audit");
  switch (command.kind) {
    case "add": {
      const { password, print } = await choosePassword(command.password);
      const created = await users.createUser({ email: command.email, role: command.role, name: command.name, password }, cliActor());
      if (!print) return { stdout: [`Added ${created.email} (${command.role}).`], exitCode: 0 };
      process.stderr.write(`Added ${created.email} (${command.role}). The password follows; it cannot be shown again.\n`);
      return { stdout: [password], exitCode: 0 };
    }
    case "reset": {
      const { password, print } = await choosePassword(command.password);
      await users.resetPassword(command.email, password, cliActor());
      if (!print) return { stdout: [`Reset the password of ${command.email}; its sessions have ended.`], exitCode: 0 };
      process.stderr.write(`Reset the password of ${command.email}; its sessions have ended. The new password follows.\n`);
      return { stdout: [password], exitCode: 0 };
    }
    case "remove":
      await users.removeUser(command.email, cliActor());
      return { stdout: [`Removed ${command.email}.`], exitCode: 0 };
    case "list": {
      const rows = await users.listUsers();
      if (rows.length === 0) return { stdout: ["No users."], exitCode: 0 };
      const table = rows.map((u) => [u.email, u.role, u.name ?? "-", iso(u.createdAt), iso(u.lastLoginAt), iso(u.lockedUntil)]);
      return { stdout: formatTable(["EMAIL", "ROLE", "NAME", "CREATED", "LAST LOGIN", "LOCKED UNTIL"], table), exitCode: 0 };
    }
  }
}

runCli({ name: "users", usage: USAGE, parse: parseCommand, run });
