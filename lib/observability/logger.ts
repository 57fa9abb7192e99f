import pino from "pino";
import { env } from "@/lib/config";

// JSON lines on stdout. Tokens and payloads never reach a log line: callers log ids only, and
// the redact list is a second net for anything that slips through.
export const logger = pino({
  level: env().LOG_LEVEL,
  base: { service: "smartcar-monitor" },
  timestamp: pino.stdTimeFunctions.isoTime,
  redact: {
    paths: ["token", "*.token", "authorization", "*.authorization", "cookie", "*.cookie", "rawBody", "*.rawBody", "body", "*.body"],
    censor: "[redacted]",
  },
});
