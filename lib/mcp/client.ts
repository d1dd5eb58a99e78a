import "server-only";
import { MCPClient, type MastraMCPServerDefinition } from "@mastra/mcp";
import { describeServerFailure } from "@/lib/chat/server-failure";
import type { ServerNotice } from "@/lib/chat/server-notice";
import { appConfig } from "@/lib/config";
import { serverState } from "@/lib/server-state";
import { BUNDLED_SERVER_NAME, loadMcpConfig } from "./config";
import { createElicitationHandler } from "./elicitation-handler";
import { routeToolCalls, type McpTool } from "./route-tool-calls";
import type { GateSettings } from "./tool-approval-decision";
import { bundledServer, configuredServer } from "./server-definitions";
import { errorMessage } from "@/lib/errors";

export { RUN_ID_CONTEXT_KEY } from "./route-tool-calls";

/** How long a conversation's own MCP connection stays open after its last turn. */
const THREAD_IDLE_MS = 10 * 60_000;
/** Each connection is a set of server processes: beyond this many, the least recently used idle one is closed. */
const MAX_THREAD_CONNECTIONS = 16;
/**
 * How long a turn waits for one server from mcp.json to connect and list its tools before going on without it
 * (named in the chat). Without it, a server that accepts the connection and never answers would hold the turn for
 * the whole tool-call timeout. A slow start (npx fetching a package) keeps going and is used by a later turn.
 */
const DISCOVERY_TIMEOUT_MS = 20_000;

export interface McpConnection {
  client: MCPClient;
  /** Every server's tools, named `${server}_${tool}`, as of the last listing. */
  tools: Record<string, McpTool>;
  /** The servers missing from `tools` at the last listing (unreachable, failed to start or to list), with why. */
  unavailable: ServerNotice[];
  /** The mcp.json entries this connection was made without (invalid), with why. */
  leftOut: ServerNotice[];
  /** Each server's approval-gate settings from mcp.json (none for the bundled server, which asks by itself). */
  gates: Record<string, GateSettings>;
}

const log = (message: string) => console.warn(`[mcp] ${message}`);
let connections = 0;

/** Lists every server's tools; one failing leaves the others working, and is named with the reason. */
async function listTools(
  { client, gates }: Pick<McpConnection, "client" | "gates">,
  perServerTimeoutMs?: number,
): Promise<Pick<McpConnection, "tools" | "unavailable">> {
  const { toolsets, errors, errorDetails } = await client.listToolsetsWithErrors(perServerTimeoutMs ? { perServerTimeoutMs } : undefined);
  const unavailable = Object.entries(errors).map(([serverName, message]): ServerNotice => {
    const reason = describeServerFailure(serverName, errorDetails[serverName] ?? { message });
    log(`server "${serverName}" is unavailable: ${reason}`);
    return { kind: "unavailable", serverName, reason };
  });
  const { runs, registry } = serverState();
  return { tools: routeToolCalls(toolsets, { runs, registry, timeoutMs: appConfig().elicitationTimeoutMs, gates }), unavailable };
}

async function connect(
  servers: Record<string, MastraMCPServerDefinition>,
  { gates, leftOut = [], perServerTimeoutMs }: { gates: McpConnection["gates"]; leftOut?: ServerNotice[]; perServerTimeoutMs?: number },
): Promise<McpConnection> {
  connections += 1;
  const client = new MCPClient({ id: `elicit-chat-${process.pid}-${connections}`, servers });
  try {
    return { client, gates, leftOut, ...(await listTools({ client, gates }, perServerTimeoutMs)) };
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
    state.mcp = connect({ [BUNDLED_SERVER_NAME]: bundledServer(config, handler) }, { gates: {} }).then(async (connection) => {
      if (!connection.tools[`${BUNDLED_SERVER_NAME}_run_command`]) {
        await connection.client.disconnect().catch(() => {});
        throw new Error(connection.unavailable[0]?.reason ?? "the shell MCP server offers no run_command tool");
      }
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

/** A conversation's connection to the servers from mcp.json; `fresh` when made for this turn (just listed). */
interface ThreadConnection {
  connection?: Promise<McpConnection>;
  fresh: boolean;
  /** Invalid mcp.json entries, when there is no connection to carry them. */
  leftOut: ServerNotice[];
}

/**
 * The servers from mcp.json get one connection per conversation, reused across its turns and closed when idle.
 * Such servers know nothing of our correlation id, so this is what guarantees that their questions reach the
 * conversation that called them, however many conversations run at once.
 */
function threadConnection(threadId: string): ThreadConnection {
  const state = serverState();
  const existing = state.threadMcp.get(threadId);
  if (existing) {
    clearTimeout(existing.idleTimer);
    // Map order is use order: the first entries are the least recently used.
    state.threadMcp.delete(threadId);
    state.threadMcp.set(threadId, existing);
    return { connection: existing.connection, fresh: false, leftOut: [] };
  }
  const { servers: entries, problems } = loadMcpConfig();
  problems.forEach(log);
  const leftOut = problems.map((reason): ServerNotice => ({ kind: "misconfigured", reason }));
  if (Object.keys(entries).length === 0) return { fresh: true, leftOut };

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
  const connection = connect(servers, { gates: entries, leftOut, perServerTimeoutMs: DISCOVERY_TIMEOUT_MS });
  state.threadMcp.set(threadId, { connection });
  connection.catch(() => state.threadMcp.delete(threadId));
  return { connection, fresh: true, leftOut: [] };
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

export interface TurnTools {
  tools: Record<string, McpTool>;
  /** The servers this turn goes on without, each with why: the chat shows them (data-server-notice). */
  notices: ServerNotice[];
  /** Call when the turn ends. */
  release: () => void;
}

/** The tools a chat turn may use: the bundled server's and those of every server from mcp.json that answered. */
export async function toolsForTurn(threadId: string): Promise<TurnTools> {
  const [bundled, configured] = await Promise.all([bundledTools(), configuredTools(threadId)]);
  return {
    tools: { ...configured.tools, ...bundled.tools },
    notices: [...bundled.notices, ...configured.notices],
    release: () => closeWhenIdle(threadId),
  };
}

type Tools = Pick<TurnTools, "tools" | "notices">;

async function bundledTools(): Promise<Tools> {
  try {
    return { tools: (await mcpConnection()).tools, notices: [] };
  } catch (error) {
    log(`the shell MCP server is unavailable: ${errorMessage(error)}`);
    return { tools: {}, notices: [{ kind: "unavailable", serverName: BUNDLED_SERVER_NAME, reason: errorMessage(error) }] };
  }
}

async function configuredTools(threadId: string): Promise<Tools> {
  const thread = threadConnection(threadId);
  try {
    const connection = await thread.connection;
    if (!connection) return { tools: {}, notices: thread.leftOut };
    // A reused connection lists again: a server that failed last turn gets another try (Mastra reconnects it), and
    // one that died since is named now rather than offered to the model and failing mid-answer.
    const current = thread.fresh ? connection : await listTools(connection, DISCOVERY_TIMEOUT_MS);
    return { tools: current.tools, notices: [...connection.leftOut, ...current.unavailable] };
  } catch (error) {
    // Not a server failing (those are listed above) but the client itself: start afresh next turn.
    log(`the servers from mcp.json are unavailable: ${errorMessage(error)}`);
    close(threadId);
    return { tools: {}, notices: [...thread.leftOut, { kind: "unavailable", reason: `the servers from mcp.json: ${errorMessage(error)}` }] };
  }
}
