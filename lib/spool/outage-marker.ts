import { open, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { errorCode } from "@/lib/db/error-code";
import type { ClosedOutage } from "@/lib/ingest/outage-windows";
import { syncDirectory } from "./segments";

// Outage windows live in memory until the database is back to take their row. This file keeps
// them across a crash or a stop during the outage: the next start records them.

const MARKER_FILE = "outages.json";

export interface OpenOutage {
  startedAt: Date;
  refused: number;
  spooled: number;
  instance: string;
}

export interface OutageMarker {
  open: OpenOutage | null;
  closed: ClosedOutage[];
}

const counts = { refused: z.number().int().nonnegative(), spooled: z.number().int().nonnegative(), instance: z.string() };
const markerSchema = z.object({
  open: z.object({ startedAt: z.number(), ...counts }).nullable(),
  closed: z.array(z.object({ startedAt: z.number(), endedAt: z.number(), spoolEnabled: z.boolean(), ...counts })),
});

export async function readOutageMarker(dir: string): Promise<OutageMarker> {
  let text: string;
  try {
    text = await readFile(path.join(dir, MARKER_FILE), "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return { open: null, closed: [] };
    throw error;
  }
  const parsed = markerSchema.parse(JSON.parse(text));
  return {
    open: parsed.open && { ...parsed.open, startedAt: new Date(parsed.open.startedAt) },
    closed: parsed.closed.map((w) => ({ ...w, startedAt: new Date(w.startedAt), endedAt: new Date(w.endedAt) })),
  };
}

/** Replaces the marker atomically (write aside, fsync, rename); an empty one is removed. */
export async function writeOutageMarker(dir: string, marker: OutageMarker): Promise<void> {
  const file = path.join(dir, MARKER_FILE);
  if (!marker.open && marker.closed.length === 0) {
    await rm(file, { force: true });
    return;
  }
  const json = JSON.stringify({
    open: marker.open && { ...marker.open, startedAt: marker.open.startedAt.getTime() },
    closed: marker.closed.map((w) => ({ ...w, startedAt: w.startedAt.getTime(), endedAt: w.endedAt.getTime() })),
  });
  const aside = `${file}.${process.pid}.tmp`;
  const handle = await open(aside, "w", 0o600);
  try {
    await handle.writeFile(json);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(aside, file);
  await syncDirectory(dir);
}
