// Runs once when the Next server starts (Node runtime only): background work lives here so it
// shares the server's process, modules and connection pool.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startBackgroundWork } = await import("@/lib/runtime/background");
  await startBackgroundWork();
}
