// npm run simulate -- [options]: realistic, signed Smartcar traffic against a receiver; exits 0
// only when every answer was the expected one (see scripts/simulate/options.ts for the options).
import { writeFileSync } from "node:fs";
import { acknowledgementLog } from "@/lib/simulator/report";
import { runSimulation } from "@/lib/simulator/run";
import { formatSummary, type Tally } from "@/lib/simulator/tally";
import { parseCli, USAGE } from "./simulate/options";

async function main(): Promise<number> {
  const parsed = parseCli(process.argv.slice(2), process.env);
  if (parsed.kind === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (parsed.kind === "error") {
    process.stderr.write(`simulate: ${parsed.message}\n\n${USAGE}\n`);
    return 2;
  }
  const { simulation, json, progress, reportPath } = parsed.options;
  const live = process.stderr.isTTY === true || progress;
  const log = reportPath === null ? null : { path: reportPath, ...acknowledgementLog() };
  const summary = await runSimulation({ ...simulation, onProgress: live ? progressLine(process.stderr.isTTY === true) : undefined, onAcknowledged: log?.onAcknowledged });
  if (log) writeFileSync(log.path, `${JSON.stringify(log.report(summary))}\n`);
  // The terminal's progress line is redrawn without a newline: end it before the summary.
  if (live && process.stderr.isTTY) process.stderr.write("\n");
  process.stdout.write(json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatSummary(summary)}\n`);
  return summary.unexpected === 0 ? 0 : 1;
}

/** One line redrawn in place on a terminal; a plain line per second otherwise (logs, CI). */
function progressLine(isTty: boolean): (tally: Tally, waitingRetries: number) => void {
  const started = performance.now();
  let lastPrinted = 0;
  return (tally, waitingRetries) => {
    const now = performance.now();
    if (!isTty && now - lastPrinted < 1000) return;
    lastPrinted = now;
    const rejected = Object.values(tally.rejected).reduce((sum, n) => sum + n, 0);
    const rate = Math.round((tally.sent * 1000) / Math.max(1, now - started));
    const line = `messages ${tally.messages} · sent ${tally.sent} (${rate}/s) · accepted ${tally.accepted} · duplicates ${tally.duplicates} · rejected ${rejected} · retries waiting ${waitingRetries} · unexpected ${tally.unexpected}`;
    process.stderr.write(isTty ? `\r\u001b[2K${line}` : `${line}\n`);
  };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`simulate: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  },
);
