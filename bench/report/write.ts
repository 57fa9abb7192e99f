// Where results go: bench/results/<date>.json (kept, so runs can be compared) and latest.{json,
// md,svg}; a full run also refreshes README's "## Performance" section. Quick runs go to
// bench/results/quick/ and leave the README alone: their reduced sizes are not the numbers.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { chartFor } from "./chart";
import { markdownFor } from "./markdown";
import { resultShapeErrors, type BenchResult } from "./result";

export const RESULTS_DIR = path.join("bench", "results");
const README = "README.md";
const SECTION = "## Performance";

/** `2026-11-29T0715Z`: sortable, one file per run. */
export function runStamp(iso: string): string {
  return `${iso.slice(0, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
}

/**
 * `readme` with its `heading` section (up to the next heading of the same level, or the end)
 * replaced by `section`, or `section` appended when there is none.
 */
export function replaceSection(readme: string, heading: string, section: string): string {
  const lines = readme.split("\n");
  const start = lines.findIndex((line) => line.trim() === heading);
  const block = section.trimEnd().split("\n");
  if (start === -1) return `${readme.trimEnd()}\n\n${block.join("\n")}\n`;
  const level = heading.match(/^#+/)?.[0] ?? "##";
  const nextOffset = lines.slice(start + 1).findIndex((line) => new RegExp(`^#{1,${level.length}} `).test(line));
  const end = nextOffset === -1 ? lines.length : start + 1 + nextOffset;
  const after = lines.slice(end);
  return [...lines.slice(0, start), ...block, ...(after.length > 0 ? ["", ...after] : [""])].join("\n");
}

export function performanceSection(markdown: string): string {
  return `${SECTION}

\`npm run bench\` measures the receiver, end-to-end processing and the dashboard reads on a fresh
embedded database (how, and what each number means: [bench/README.md](bench/README.md)). Latest
full run ([JSON](bench/results/latest.json), with the EXPLAIN plans of every dashboard query):

![Benchmark results](bench/results/latest.svg)

${markdown}`;
}

export function writeResults(result: BenchResult): { dir: string; files: string[] } {
  const errors = resultShapeErrors(result);
  if (errors.length > 0) throw new Error(`refusing to write a malformed results file: ${errors.join(", ")}`);
  const dir = result.run.mode === "full" ? RESULTS_DIR : path.join(RESULTS_DIR, "quick");
  mkdirSync(dir, { recursive: true });
  const json = `${JSON.stringify(result, null, 2)}\n`;
  const markdown = markdownFor(result);
  const files = [path.join(dir, `${runStamp(result.run.startedAt)}.json`), path.join(dir, "latest.json"), path.join(dir, "latest.md"), path.join(dir, "latest.svg")];
  const [dated, latest, md, svg] = files as [string, string, string, string];
  writeFileSync(dated, json);
  writeFileSync(latest, json);
  writeFileSync(md, `# Benchmark results\n\n${markdown}`);
  writeFileSync(svg, chartFor(result));
  if (result.run.mode === "full") {
    writeFileSync(README, replaceSection(readFileSync(README, "utf8"), SECTION, performanceSection(markdown)));
    files.push(README);
  }
  return { dir, files };
}
