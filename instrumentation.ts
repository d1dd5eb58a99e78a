/**
 * Next.js calls register() once as the server starts: the settings are read and the database is opened and
 * migrated then, so a bad value or an unwritable database stops start-up with a message saying what to fix,
 * instead of failing the first request.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { serverState } = await import("./lib/server-state");
  try {
    await serverState().started;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const name = error instanceof Error && error.name === "StorageError" ? "storage" : "config";
    console.error(`[${name}] ${message.replace(/\.$/, "")}: not starting.`);
    process.exit(1);
  }
}
