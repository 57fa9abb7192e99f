// npm run db:migrate – applies pending migrations to DATABASE_URL, else to the embedded database
// (reused when running; started and stopped again when not).
import { env } from "@/lib/config";
import { errorMessage } from "@/lib/db/error-code";
import { applyMigrations } from "@/lib/db/migrate";
import { resolveDatabase } from "@/lib/db/resolve";

async function main(): Promise<void> {
  const database = await resolveDatabase(env());
  try {
    const { applied } = await applyMigrations(database.url);
    if (applied.length === 0) process.stdout.write(`No pending migrations (${database.mode} database).\n`);
    for (const name of applied) process.stdout.write(`Applied ${name}\n`);
  } finally {
    await database.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`db:migrate: ${errorMessage(error)}\n`);
  process.exitCode = 1;
});
