import type { FunctionTable } from "./functions";

// enqueueRuns() is called from route handlers and server actions, which Next may load in a
// different module graph from instrumentation.ts (where the executor starts): module-level state
// would not be shared, so the executor publishes itself on globalThis.
const KEY = Symbol.for("smartcar-monitor.embedded-executor");

interface Registry {
  table: Promise<FunctionTable>;
  wakers: Set<() => void>;
}

const holder = globalThis as unknown as { [KEY]?: Registry };

/** Publishes an executor's function table (resolved once it has synced) and its wake-up call. */
export function registerExecutor(table: Promise<FunctionTable>, wake: () => void): () => void {
  const registry = holder[KEY] ?? { table, wakers: new Set<() => void>() };
  registry.table = table;
  registry.wakers.add(wake);
  holder[KEY] = registry;
  return () => {
    registry.wakers.delete(wake);
    if (registry.wakers.size === 0 && holder[KEY] === registry) delete holder[KEY];
  };
}

/** The function table of the executor running in this process. */
export function registeredFunctionTable(): Promise<FunctionTable> {
  const registry = holder[KEY];
  if (!registry) {
    return Promise.reject(new Error("The embedded executor is not running in this process: start it before enqueueing runs."));
  }
  return registry.table;
}

/**
 * Lets this process's executors claim at once instead of at their next poll. Call it after the
 * COMMIT when runs were enqueued inside a transaction.
 */
export function wakeEmbeddedExecutor(): void {
  for (const wake of holder[KEY]?.wakers ?? []) wake();
}
