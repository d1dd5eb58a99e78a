import { serverState } from "@/lib/server-state";

/** Stops the process-wide MCP connection a test file started, so the next file starts its own. */
export async function closeMcpConnection(): Promise<void> {
  const state = serverState();
  const connection = await state.mcp?.catch(() => undefined);
  state.mcp = undefined;
  await connection?.client.disconnect();
}
