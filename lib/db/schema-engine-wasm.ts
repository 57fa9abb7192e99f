import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

// Prisma's schema engine compiled to WebAssembly (same engine generation as CLI 7.10): what
// `prisma migrate` runs, without the native binary the CLI would download (PLATFORM.md).

export type EngineBindings = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");

const BINDINGS = "@prisma/schema-engine-wasm/schema_engine_bg";

declare global {
  // Where wasm-bindgen code built by Prisma reports a Rust panic; the Prisma client installs its own.
  var PRISMA_WASM_PANIC_REGISTRY: { set_message(message: string): void } | undefined;
}

let bindings: Promise<EngineBindings> | undefined;

/**
 * The package is a bundler-target wasm-bindgen build whose entry imports the .wasm as an ES
 * module, which Node cannot do: instantiate it by hand against the JS glue. The .wasm path is
 * resolved from the glue module at run time (the package exports no .wasm subpath); the
 * turbopackIgnore comment keeps Next's build from replacing that resolve() with a module id.
 */
export function loadEngineBindings(): Promise<EngineBindings> {
  bindings ??= (async () => {
    const glue: EngineBindings = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const wasmPath = path.join(path.dirname(createRequire(import.meta.url).resolve(/* turbopackIgnore: true */ BINDINGS)), "schema_engine_bg.wasm");
    const imports: WebAssembly.ModuleImports = { ...glue };
    for (const name of Object.keys(glue)) if (name.startsWith("__wbg_setTimeout_")) imports[name] = engineSetTimeout;
    const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), { "./schema_engine_bg.js": imports });
    glue.__wbg_set_wasm(instance.exports);
    const start = instance.exports.__wbindgen_start;
    if (typeof start !== "function") throw new Error(`${wasmPath} has no __wbindgen_start export`);
    start();
    // Without a registry a panic surfaces as "Cannot read properties of undefined (reading 'set_message')".
    globalThis.PRISMA_WASM_PANIC_REGISTRY ??= {
      set_message(message: string) {
        throw new Error(`Prisma's schema engine panicked: ${message}`);
      },
    };
    return glue;
  })().catch((error: unknown) => {
    bindings = undefined;
    throw error;
  });
  return bindings;
}

// The engine arms a 10 s timeout around its advisory lock and leaves that timer running once it
// has the lock, which kept every CLI alive 10 s after its work. Engine timers stay referenced
// while an engine is open (it may be waiting on one) and are unref'd once none is.
const pendingTimers = new Set<NodeJS.Timeout>();
let openEngines = 0;

function engineSetTimeout(callback: () => void, ms: number): NodeJS.Timeout {
  const timer = setTimeout(() => {
    pendingTimers.delete(timer);
    callback();
  }, ms >>> 0);
  if (openEngines === 0) timer.unref();
  else pendingTimers.add(timer);
  return timer;
}

/** Brackets the life of one engine instance, for the timer bookkeeping above. */
export async function whileEngineOpen<T>(fn: () => Promise<T>): Promise<T> {
  openEngines += 1;
  try {
    return await fn();
  } finally {
    openEngines -= 1;
    if (openEngines === 0) {
      for (const timer of pendingTimers) timer.unref();
      pendingTimers.clear();
    }
  }
}
