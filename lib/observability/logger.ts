import pino from "pino";
import { env } from "@/lib/config";

// JSON lines on stdout. Tokens and payloads never reach a log line: callers log ids only, and
// the redact list is a second net for anything that slips through. Writes are asynchronous: a
// synchronous write per line was ~8 % of the app's CPU under load (bench/README.md), while lines
// written meanwhile now share one write; pino flushes what is buffered when the process exits.
export const logger = pino(
  {
    level: env().LOG_LEVEL,
    base: { service: "smartcar-monitor" },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ["token", "*.token", "authorization", "*.authorization", "cookie", "*.cookie", "rawBody", "*.rawBody", "body", "*.body"],
      censor: "[redacted]",
    },
  },
  pino.destination({ dest: 1, sync: false }),
);
