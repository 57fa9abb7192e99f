// Where a CPU profile (`node --cpu-prof`) spent its time, in the product's own terms: the
// production build is minified into chunks, so every frame is mapped back through the build's
// source maps to its source file (lib/…, node_modules/<package>/…) before it is counted.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { round } from "@/bench/lib/stats";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  /** µs on CLOCK_MONOTONIC, like process.hrtime. */
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface TimeShare {
  name: string;
  ms: number;
  /** Share of the busy (non-idle) time. */
  percent: number;
}

export interface ProfileSummary {
  wallMs: number;
  busyMs: number;
  /** Self time by where the code lives: an app file, an npm package, Node's internals, GC. */
  selfByOrigin: TimeShare[];
  /**
   * The same time charged to the nearest app file or package on the stack: a socket write done
   * by Node for `pg` counts for `pg`, one for Next's response for `next`.
   */
  selfByCaller: TimeShare[];
  /** Self time by function. */
  selfByFunction: TimeShare[];
  /** Time spent in a function and everything it called, for the app's own functions. */
  inclusiveAppFunctions: TimeShare[];
}

interface Location {
  fn: string;
  /** Source path relative to the repository, or a Node/V8 pseudo-location. */
  source: string;
  line: number;
}

const IDLE = "(idle)";
// A Map, not an object literal: function names like "constructor" must not find Object's own.
const SPECIAL = new Map([
  ["(garbage collector)", "V8: garbage collector"],
  ["(program)", "V8: program (native, unattributed)"],
]);

class SourceMaps {
  private readonly cache = new Map<string, SourceMap | null>();

  resolve(frame: CallFrame): Location {
    const fn = frame.functionName || "(anonymous)";
    const special = frame.functionName === IDLE ? IDLE : SPECIAL.get(frame.functionName);
    if (special !== undefined) return { fn: frame.functionName, source: special, line: 0 };
    if (!frame.url.startsWith("file://")) return { fn, source: frame.url || "(native)", line: frame.lineNumber + 1 };
    const file = fileURLToPath(frame.url);
    const entry = this.load(file)?.findEntry(frame.lineNumber, frame.columnNumber);
    if (entry && "originalSource" in entry && entry.originalSource) {
      // The original name, where the map has one: minified builds call receiveDelivery "y".
      const name: unknown = Reflect.get(entry, "name");
      return { fn: typeof name === "string" && name ? name : fn, source: sourcePath(entry.originalSource, `${file}.map`), line: entry.originalLine + 1 };
    }
    return { fn, source: repoPath(file), line: frame.lineNumber + 1 };
  }

  private load(file: string): SourceMap | null {
    if (!this.cache.has(file)) {
      const mapFile = `${file}.map`;
      this.cache.set(file, existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, "utf8"))) : null);
    }
    return this.cache.get(file) ?? null;
  }
}

/** An absolute path inside the repository → relative to it (`node_modules/pg/lib/y.js`, `lib/x.ts`). */
function repoPath(file: string): string {
  const cwd = `${process.cwd()}/`;
  return file.startsWith(cwd) ? file.slice(cwd.length) : file;
}

const shippedBy = new Map<string, string | undefined>();

/** The installed package (top level or scoped) that contains `file`, e.g. `helpers/env.js` → `inngest`. */
function packageShipping(file: string): string | undefined {
  if (!shippedBy.has(file)) {
    const names = readdirSync("node_modules").flatMap((name) => (name.startsWith("@") ? readdirSync(path.join("node_modules", name)).map((sub) => `${name}/${sub}`) : [name]));
    shippedBy.set(file, names.find((name) => existsSync(path.join("node_modules", name, file))));
  }
  return shippedBy.get(file);
}

/**
 * A source map's source → a repository path. Sources are relative to the map's own directory
 * (`../../../lib/x.ts` from a build chunk, `../src/parser.ts` from a package's dist), or use
 * the bundlers' schemes: `webpack://next/./src/…` is Next's own code, `turbopack:///[turbopack]/…`
 * the Turbopack runtime Next ships, `turbopack:///[project]/…` the app.
 */
function sourcePath(source: string, mapFile: string): string {
  let decoded = source;
  try {
    decoded = decodeURIComponent(source);
  } catch {
    // Not percent-encoded after all: keep it as it is.
  }
  const webpack = /^webpack:\/\/([^/]+)\/\.\/(.*)$/.exec(decoded);
  if (webpack) return `node_modules/${webpack[1]}/${webpack[2]}`;
  if (decoded.startsWith("turbopack:///[turbopack]/")) return `node_modules/next/[turbopack]/${decoded.slice("turbopack:///[turbopack]/".length)}`;
  if (decoded.startsWith("turbopack:///[project]/")) return decoded.slice("turbopack:///[project]/".length);
  const resolved = repoPath(path.resolve(path.dirname(mapFile), decoded));
  // Turbopack drops the package name of packages whose maps point at their own `src/`
  // (inngest's): `node_modules/src/helpers/env.ts`. Find the package that ships the compiled file.
  const lost = /^node_modules\/src\/(.*)\.ts$/.exec(resolved);
  if (lost) return `node_modules/${packageShipping(`${lost[1]}.js`) ?? "(unknown)"}/src/${lost[1]}.ts`;
  // Some packages ship maps pointing at their repository's layout, outside the installed package
  // (inngest's `../../src/…`): such a source still belongs to the package the map came from.
  const owner = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(repoPath(mapFile))?.[1];
  return owner && !resolved.startsWith(`${owner}/`) ? `${owner}/${decoded.replace(/^(\.\.\/)+/, "")}` : resolved;
}

/** Which bucket a source belongs to: the npm package, Node's internals, or the app file itself. */
export function originOf(source: string): string {
  if (source.startsWith("V8:") || source === IDLE) return source;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source);
  if (pkg) return `npm: ${pkg[1]}`;
  if (source.startsWith("node:")) return "Node.js internals";
  if (source === "(native)" || source === "") return "native";
  return `app: ${source}`;
}

function shares(totals: Map<string, number>, busyMs: number, limit: number): TimeShare[] {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, us]) => ({ name, ms: round(us / 1000, 1), percent: round((us / 1000 / busyMs) * 100, 1) }));
}

function add<K>(map: Map<K, number>, key: K, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

/** Only samples inside [from, to] (µs, CLOCK_MONOTONIC — process.hrtime's clock) count: the load, not the server's start. */
export interface ProfileWindow {
  fromUs: number;
  toUs: number;
}

export function summarizeProfile(profile: CpuProfile, window?: ProfileWindow, limit = 25): ProfileSummary {
  const maps = new SourceMaps();
  const locations = new Map(profile.nodes.map((n) => [n.id, maps.resolve(n.callFrame)]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const callerOf = (id: number): string => {
    for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
      const frame = locations.get(node);
      const where = frame ? originOf(frame.source) : "";
      if (where.startsWith("npm: ") || where.startsWith("app: ") || where.startsWith("V8: ")) return where;
    }
    return originOf(locations.get(id)?.source ?? "");
  };

  // timeDeltas[i] is the time since the previous sample: charged to sample i's frame.
  const selfUs = new Map<number, number>();
  let sampledAt = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    sampledAt += delta;
    if (!window || (sampledAt >= window.fromUs && sampledAt <= window.toUs)) add(selfUs, id, delta);
  });

  const origin = new Map<string, number>();
  const caller = new Map<string, number>();
  const fn = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let wallUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    wallUs += us;
    const loc = locations.get(id);
    if (!loc) continue;
    if (loc.source === IDLE) {
      idleUs += us;
      continue;
    }
    add(origin, originOf(loc.source), us);
    add(caller, callerOf(id), us);
    add(fn, `${loc.fn} (${loc.source}${loc.line ? `:${loc.line}` : ""})`, us);
    // Each app function on the stack counts once per sample, however deep it recurses.
    const seen = new Set<string>();
    for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
      const frame = locations.get(node);
      if (!frame || !originOf(frame.source).startsWith("app: ")) continue;
      const key = `${frame.fn} (${frame.source})`;
      if (seen.has(key)) continue;
      seen.add(key);
      add(inclusive, key, us);
    }
  }
  const busyMs = (wallUs - idleUs) / 1000;
  return {
    wallMs: round(wallUs / 1000, 0),
    busyMs: round(busyMs, 0),
    selfByOrigin: shares(origin, busyMs, limit),
    selfByCaller: shares(caller, busyMs, limit),
    selfByFunction: shares(fn, busyMs, limit),
    inclusiveAppFunctions: shares(inclusive, busyMs, limit),
  };
}
