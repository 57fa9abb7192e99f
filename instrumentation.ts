// Runs once when the Next server starts (Node runtime only): background work lives here so it
// shares the server's process, modules and connection pool, and so does the graceful stop.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const [{ installShutdownHandlers }, { startBackgroundWork }] = await Promise.all([import("@/lib/runtime/shutdown"), import("@/lib/runtime/background")]);
  installShutdownHandlers();
  await startBackgroundWork();
}
