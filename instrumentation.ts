/**
 * Next.js calls register() once as the server starts: the settings are read and the database is opened and
 * migrated then, so a bad value or an unwritable database stops start-up with a message saying what to fix,
 * instead of failing the first request. Listening beyond loopback also needs an admin (lib/auth/start-up.ts).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Read by Mastra when it loads: a suspended turn waits in storage, not in memory (lib/agent/run-storage.ts).
  process.env.MASTRA_SUSPENDED_RUN_TTL_MS ??= "1000";
  const { serverState } = await import("./lib/server-state");
  try {
    const state = serverState();
    await state.started;
    const { startUpRefusal } = await import("./lib/auth/start-up");
    const refusal = await startUpRefusal(state.auth, process.env.HOST);
    if (refusal) {
      console.error(`[auth] ${refusal}.`);
      process.exit(1);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const name = error instanceof Error && error.name === "StorageError" ? "storage" : "config";
    console.error(`[${name}] ${message.replace(/\.$/, "")}: not starting.`);
    process.exit(1);
  }
}
