/**
 * Next.js calls register() once as the server starts: the settings are read then, so a bad value stops start-up
 * with a message naming the variable, instead of failing the first request.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { appConfig } = await import("./lib/config");
  try {
    appConfig();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`[config] ${message.replace(/\.$/, "")}: not starting.`);
    process.exit(1);
  }
}
