import "server-only";
import { MCPClient, type MastraMCPServerDefinition } from "@mastra/mcp";
import type { ChatTurns } from "@/lib/chat/turns";
import { describeServerFailure } from "@/lib/chat/server-failure";
import type { ServerNotice } from "@/lib/chat/server-notice";
import type { AppConfig } from "@/lib/config";
import type { ElicitationRegistry } from "@/lib/elicitation/registry";
import type { ServerEntry } from "./config";
import { RUN_COMMAND_TOOL_KEY, BUNDLED_SERVER_NAME } from "./tool-names";
import { createElicitationHandler } from "./elicitation-handler";
import { routeToolCalls, type McpTool } from "./route-tool-calls";
import type { GateSettings } from "./tool-approval-decision";
import type { ToolApprovalMemory } from "./tool-approval-memory";
import { bundledServer, configuredServer, type ShellApprovalState } from "./server-definitions";
import { toolCallerOf } from "./tool-caller";
import type { ResumableCalls } from "@/lib/db/resumable-calls";

export { RUN_ID_CONTEXT_KEY } from "./route-tool-calls";

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

export type ToolListing = Pick<McpConnection, "tools" | "unavailable">;

/**
 * How McpConnections (lib/mcp/connections.ts) makes, lists and closes connections. The real one speaks MCP through
 * Mastra's client; unit tests pass a fake.
 */
export interface McpConnector {
  /** The bundled shell server: one connection for the whole app. */
  connectBundled(): Promise<McpConnection>;
  /** One conversation's connection to the servers from mcp.json. */
  connectConfigured(
    conversationId: string,
    entries: Record<string, ServerEntry>,
    options: { leftOut: ServerNotice[]; perServerTimeoutMs: number },
  ): Promise<McpConnection>;
  /** Lists a connection's tools again (a server that failed gets another try; one that died is named). */
  relist(connection: McpConnection, perServerTimeoutMs: number): Promise<ToolListing>;
  disconnect(connection: McpConnection): Promise<void>;
}

export interface ConnectorDeps {
  turns: ChatTurns;
  registry: ElicitationRegistry;
  approvals: ToolApprovalMemory;
  config: AppConfig;
  log: (message: string) => void;
  /** Suspended tool calls: set, questions from servers that speak 2026-07-28 suspend their turn into storage. */
  calls?: ResumableCalls;
  /** The bundled server's signing key and used-state folder (absent: its approvals cannot outlive it). */
  approvalState?: ShellApprovalState;
}

/** The connector that speaks MCP through Mastra's client, with our elicitation handler on every server. */
export function mastraConnector({ turns, registry, approvals, config, log, calls, approvalState }: ConnectorDeps): McpConnector {
  let made = 0;
  const timeoutMs = config.elicitationTimeoutMs;

  /** Lists every server's tools; one failing leaves the others working, and is named with the reason. */
  async function listTools({ client, gates }: Pick<McpConnection, "client" | "gates">, perServerTimeoutMs?: number): Promise<ToolListing> {
    const { toolsets, errors, errorDetails } = await client.listToolsetsWithErrors(perServerTimeoutMs ? { perServerTimeoutMs } : undefined);
    const unavailable = Object.entries(errors).map(([serverName, message]): ServerNotice => {
      const reason = describeServerFailure(serverName, errorDetails[serverName] ?? { message });
      log(`server "${serverName}" is unavailable: ${reason}`);
      return { kind: "unavailable", serverName, reason };
    });
    const lifetimeMs = config.durableQuestionTimeoutMs;
    const resumable = (serverName: string) => {
      const caller = calls && toolCallerOf(client, serverName);
      return caller && calls
        ? { caller, calls, registry, lifetimeMs, turns, heldTimeoutMs: timeoutMs, callTimeoutMs: config.commandMaxTimeoutMs + 60_000 }
        : undefined;
    };
    return { tools: routeToolCalls(toolsets, { turns, registry, timeoutMs, gates, approvals, resumable }), unavailable };
  }

  async function connect(
    servers: Record<string, MastraMCPServerDefinition>,
    { gates, leftOut = [], perServerTimeoutMs }: { gates: McpConnection["gates"]; leftOut?: ServerNotice[]; perServerTimeoutMs?: number },
  ): Promise<McpConnection> {
    made += 1;
    const client = new MCPClient({ id: `elicit-chat-${process.pid}-${made}`, servers });
    try {
      return { client, gates, leftOut, ...(await listTools({ client, gates }, perServerTimeoutMs)) };
    } catch (error) {
      await client.disconnect().catch(() => {});
      throw error;
    }
  }

  return {
    async connectBundled() {
      const handler = createElicitationHandler({ serverName: BUNDLED_SERVER_NAME, turns, registry, timeoutMs, log });
      const connection = await connect({ [BUNDLED_SERVER_NAME]: bundledServer(config, handler, approvalState) }, { gates: {} });
      if (!connection.tools[RUN_COMMAND_TOOL_KEY]) {
        await connection.client.disconnect().catch(() => {});
        throw new Error(connection.unavailable[0]?.reason ?? "the shell MCP server offers no run_command tool");
      }
      // The progress token of a call is the chat run's id (see start-turn.ts), so output finds its conversation.
      await connection.client.progress.onUpdate(BUNDLED_SERVER_NAME, ({ progressToken, message }) => {
        if (message) turns.get(String(progressToken))?.showOutput(message);
      });
      return connection;
    },

    connectConfigured(conversationId, entries, { leftOut, perServerTimeoutMs }) {
      const servers = Object.fromEntries(
        Object.entries(entries).map(([name, entry]) => {
          const handler = createElicitationHandler({ serverName: name, turns, registry, timeoutMs, log, threadId: conversationId });
          return [name, configuredServer(entry, config, handler)];
        }),
      );
      return connect(servers, { gates: entries, leftOut, perServerTimeoutMs });
    },

    relist: (connection, perServerTimeoutMs) => listTools(connection, perServerTimeoutMs),

    disconnect: (connection) => connection.client.disconnect(),
  };
}
