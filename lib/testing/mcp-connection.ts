import { serverState } from "@/lib/server-state";

/** Stops the process-wide MCP connection a test file started, so the next file starts its own. */
export async function closeMcpConnection(): Promise<void> {
  const state = serverState();
  const connection = await state.mcp?.catch(() => undefined);
  state.mcp = undefined;
  await connection?.client.disconnect();
}

/** Closes every conversation's connection to the servers from mcp.json, then the bundled one. */
export async function closeAllMcpConnections(): Promise<void> {
  const state = serverState();
  const threads = [...state.threadMcp.values()];
  state.threadMcp.clear();
  await Promise.all(threads.map(async (thread) => (await thread.connection.catch(() => undefined))?.client.disconnect()));
  await closeMcpConnection();
}
