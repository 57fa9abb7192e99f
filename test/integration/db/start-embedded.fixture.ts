// Child process for embedded.test.ts: ensures the embedded server, reports on stdout, then idles
// until the test kills it.
import { ensureEmbeddedPostgres } from "@/lib/db/embedded";

const [dataDir, port] = process.argv.slice(2);
ensureEmbeddedPostgres({ dataDir, port: Number(port) }).then(
  (db) => {
    process.stdout.write(`${JSON.stringify({ startedHere: db.startedHere })}\n`);
    setInterval(() => undefined, 60_000);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
