import { readFileSync } from "node:fs";
import { errorCode } from "@/lib/db/error-code";

/**
 * Whether `pid` is a live process, and when `executable` is given, one running that program.
 * A zombie counts as dead: a SIGKILLed child stays a zombie until its parent reaps it, and
 * kill(pid, 0) still succeeds on it. The name check guards against a recycled pid.
 */
export function isProcessRunning(pid: number, executable?: string): boolean {
  if (process.platform !== "linux") return signalZeroSucceeds(pid);
  const stat = readProcStat(pid);
  if (!stat || stat.state === "Z" || stat.state === "X") return false;
  return executable === undefined || stat.comm === executable;
}

function readProcStat(pid: number): { comm: string; state: string } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT" || errorCode(error) === "ESRCH") return undefined;
    throw error;
  }
  // "pid (comm) state …": comm may itself contain spaces and parentheses, so cut at the last ")".
  const close = text.lastIndexOf(")");
  return { comm: text.slice(text.indexOf("(") + 1, close), state: text.charAt(close + 2) };
}

function signalZeroSucceeds(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user (postgres runs as its own user under root).
    return errorCode(error) === "EPERM";
  }
}
