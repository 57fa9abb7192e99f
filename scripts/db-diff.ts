// npm run db:diff                     – prints the SQL prisma/schema.prisma adds to the migrations.
//                                       Exit 0 in sync, 1 when they differ, 2 on error (like diff).
// npm run db:diff -- --create <name>  – writes that SQL as prisma/migrations/<timestamp>_<name>/.
import { env } from "@/lib/config";
import { errorMessage } from "@/lib/db/error-code";
import { createMigration, diffSchemaAgainstMigrations } from "@/lib/db/migrate";
import { resolveDatabase } from "@/lib/db/resolve";

const USAGE = "usage: npm run db:diff [-- --create <name>]";

function parseArgs(argv: string[]): { create?: string } {
  if (argv.length === 0) return {};
  const [flag, name, ...rest] = argv;
  if (flag === "--create" && name && !name.startsWith("-") && rest.length === 0) return { create: name };
  throw new Error(USAGE);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  // The engine replays the migrations into a scratch database on this server.
  const database = await resolveDatabase(env());
  try {
    if (args.create !== undefined) {
      const created = await createMigration(database.url, args.create);
      process.stdout.write(created ? `Created prisma/migrations/${created.folder}/migration.sql\n` : "Schema and migrations are in sync: nothing to create.\n");
      return 0;
    }
    const diff = await diffSchemaAgainstMigrations(database.url);
    if (diff.inSync) {
      process.stderr.write("Schema and migrations are in sync.\n");
      return 0;
    }
    process.stdout.write(diff.sql);
    process.stderr.write("prisma/schema.prisma differs from the migrations: add one with `npm run db:diff -- --create <name>`.\n");
    return 1;
  } finally {
    await database.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`db:diff: ${errorMessage(error)}\n`);
    process.exitCode = 2;
  },
);
