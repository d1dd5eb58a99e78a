import "server-only";
import { MCPClient, type MastraMCPServerDefinition } from "@mastra/mcp";
import { appConfig } from "@/lib/config";
import { serverState } from "@/lib/server-state";
import { BUNDLED_SERVER_NAME, loadMcpConfig } from "./config";
import { createElicitationHandler } from "./elicitation-handler";
import { routeToolCalls, type McpTool } from "./route-tool-calls";
import { bundledServer, configuredServer } from "./server-definitions";
import { errorMessage } from "@/lib/errors";

export { RUN_ID_CONTEXT_KEY } from "./route-tool-calls";

/** How long a conversation's own MCP connection stays open after its last turn. */
const THREAD_IDLE_MS = 10 * 60_000;
/** Each connection is a set of server processes: beyond this many, the least recently used idle one is closed. */
const MAX_THREAD_CONNECTIONS = 16;

export interface McpConnection {
  client: MCPClient;
  /** Every server's tools, named `${server}_${tool}`. */
  tools: Record<string, McpTool>;
}

const log = (message: string) => console.warn(`[mcp] ${message}`);
let connections = 0;

async function connect(servers: Record<string, MastraMCPServerDefinition>): Promise<McpConnection> {
  connections += 1;
  const client = new MCPClient({ id: `elicit-chat-${process.pid}-${connections}`, servers });
  try {
    // One server failing to start leaves the others working; the failure is named in the log.
    const { toolsets, errors } = await client.listToolsetsWithErrors();
    for (const [name, error] of Object.entries(errors)) log(`server "${name}" is unavailable: ${error}`);
    const { runs, registry } = serverState();
    return { client, tools: routeToolCalls(toolsets, { runs, registry, timeoutMs: appConfig().elicitationTimeoutMs }) };
  } catch (error) {
    await client.disconnect().catch(() => {});
    throw error;
  }
}

/**
 * The bundled shell server: one process for the whole app, made on first use and shared by every conversation.
 * It echoes our correlation id, so its elicitations are routed exactly even over one connection.
 */
export function mcpConnection(): Promise<McpConnection> {
  const state = serverState();
  if (!state.mcp) {
    const config = appConfig();
    const { runs, registry } = state;
    const handler = createElicitationHandler({ serverName: BUNDLED_SERVER_NAME, runs, registry, timeoutMs: config.elicitationTimeoutMs, log });
    state.mcp = connect({ [BUNDLED_SERVER_NAME]: bundledServer(config, handler) }).then(async (connection) => {
      if (!connection.tools[`${BUNDLED_SERVER_NAME}_run_command`]) throw new Error("the shell MCP server did not start (see the log above)");
      // The progress token of a call is the chat run's id (see start-turn.ts), so output finds its conversation.
      await connection.client.progress.onUpdate(BUNDLED_SERVER_NAME, ({ progressToken, message }) => {
        if (message) runs.get(String(progressToken))?.showOutput(message);
      });
      return connection;
    });
    // A failed start is not cached: the next request tries again.
    state.mcp.catch(() => {
      state.mcp = undefined;
    });
  }
  return state.mcp;
}

/**
 * The servers from mcp.json get one connection per conversation, reused across its turns and closed when idle.
 * Such servers know nothing of our correlation id, so this is what guarantees that their questions reach the
 * conversation that called them, however many conversations run at once.
 */
function threadConnection(threadId: string): Promise<McpConnection> | undefined {
  const state = serverState();
  const existing = state.threadMcp.get(threadId);
  if (existing) {
    clearTimeout(existing.idleTimer);
    // Map order is use order: the first entries are the least recently used.
    state.threadMcp.delete(threadId);
    state.threadMcp.set(threadId, existing);
    return existing.connection;
  }
  const { servers: entries, problems } = loadMcpConfig();
  problems.forEach(log);
  if (Object.keys(entries).length === 0) return undefined;

  // Each stdio server connection listens for SIGTERM/SIGHUP to stop its child, and lets go when closed. Connections
  // are capped, so these listeners are too: raise Node's leak warning threshold to that cap, not beyond.
  const listenersNeeded = (MAX_THREAD_CONNECTIONS + 1) * (Object.keys(entries).length + 1) + 10;
  if (process.getMaxListeners() < listenersNeeded) process.setMaxListeners(listenersNeeded);

  const config = appConfig();
  const servers = Object.fromEntries(
    Object.entries(entries).map(([name, entry]) => {
      const handler = createElicitationHandler({ serverName: name, runs: state.runs, registry: state.registry, timeoutMs: config.elicitationTimeoutMs, log, threadId });
      return [name, configuredServer(entry, config, handler)];
    }),
  );
  makeRoomForOneMore();
  const connection = connect(servers);
  state.threadMcp.set(threadId, { connection });
  connection.catch(() => state.threadMcp.delete(threadId));
  return connection;
}

function close(threadId: string): void {
  const state = serverState();
  const entry = state.threadMcp.get(threadId);
  if (!entry) return;
  clearTimeout(entry.idleTimer);
  state.threadMcp.delete(threadId);
  void entry.connection.then((c) => c.client.disconnect()).catch(() => {});
}

function makeRoomForOneMore(): void {
  const { threadMcp, runs } = serverState();
  if (threadMcp.size < MAX_THREAD_CONNECTIONS) return;
  const idle = [...threadMcp.keys()].find((threadId) => !runs.hasRunFor(threadId));
  if (idle) close(idle);
  else log(`${threadMcp.size} conversations are using their MCP connections at once; opening one more`);
}

function closeWhenIdle(threadId: string): void {
  const state = serverState();
  const entry = state.threadMcp.get(threadId);
  if (!entry) return;
  clearTimeout(entry.idleTimer);
  entry.idleTimer = setTimeout(() => (state.runs.hasRunFor(threadId) ? closeWhenIdle(threadId) : close(threadId)), THREAD_IDLE_MS);
  entry.idleTimer.unref?.();
}

/** The tools a chat turn may use, and what to call when the turn ends. */
export async function toolsForTurn(threadId: string): Promise<{ tools: Record<string, McpTool>; release: () => void }> {
  const settle = async (connection: Promise<McpConnection> | undefined, what: string) => {
    try {
      return (await connection)?.tools ?? {};
    } catch (error) {
      log(`${what} unavailable: ${errorMessage(error)}`);
      return {};
    }
  };
  const [bundled, configured] = await Promise.all([
    settle(mcpConnection(), "the shell MCP server is"),
    settle(threadConnection(threadId), "the servers from mcp.json are"),
  ]);
  return { tools: { ...configured, ...bundled }, release: () => closeWhenIdle(threadId) };
}
