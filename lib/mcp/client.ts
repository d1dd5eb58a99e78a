import "server-only";
import path from "node:path";
import type { ToolExecutionContext } from "@mastra/core/tools";
import { MCPClient, type MastraMCPServerDefinition } from "@mastra/mcp";
import { CORRELATION_META_KEY } from "@/mcp-server/contract";
import { appConfig, type AppConfig } from "@/lib/config";
import { serverState } from "@/lib/server-state";
import { createElicitationHandler } from "./elicitation-handler";

export const SHELL_SERVER_NAME = "shell";
/** The RequestContext key under which a chat request passes its run id down to tool calls. */
export const RUN_ID_CONTEXT_KEY = "elicit-chat.runId";

type Toolsets = Awaited<ReturnType<MCPClient["listToolsets"]>>;
type McpTool = Toolsets[string][string];

export interface McpConnection {
  client: MCPClient;
  /** Every server's tools, named `${server}_${tool}` so two servers' tools never collide. */
  tools: Record<string, McpTool>;
}

const log = (message: string) => console.warn(`[mcp] ${message}`);

/**
 * The bundled shell server, spawned with this very Node binary (never a bare `node`, which may be too old) and a
 * minimal environment: a child can read its parent's environment from /proc, so app secrets never reach it.
 */
function shellServer(config: AppConfig): MastraMCPServerDefinition {
  const { runs, registry } = serverState();
  return {
    command: process.execPath,
    args: [path.join(/*turbopackIgnore: true*/ process.cwd(), "mcp-server", "stdio.ts")],
    inheritDefaultEnv: false,
    env: {
      PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
      HOME: config.workspaceDir,
      LANG: process.env.LANG ?? "C.UTF-8",
      WORKSPACE_DIR: config.workspaceDir,
      ELICITATION_TIMEOUT_MS: String(config.elicitationTimeoutMs),
      COMMAND_MAX_TIMEOUT_MS: String(config.commandMaxTimeoutMs),
    },
    // A legacy tool call stays open while the person decides, then while the command runs: outlast both.
    timeout: config.elicitationTimeoutMs + config.commandMaxTimeoutMs + 60_000,
    inputRequests: createElicitationHandler({
      serverName: SHELL_SERVER_NAME,
      runs,
      registry,
      timeoutMs: config.elicitationTimeoutMs,
      log,
    }),
  };
}

/**
 * Names each MCP tool `${server}_${tool}` and wraps it so its call carries the chat run's correlation id in
 * `_meta` (our server echoes it into its elicitations) and counts as in flight on that server while it runs
 * (the fallback route, see ChatRuns).
 */
function routeToolCalls(toolsets: Toolsets): Record<string, McpTool> {
  const { runs } = serverState();
  const routed: Record<string, McpTool> = {};
  for (const [serverName, tools] of Object.entries(toolsets)) {
    for (const [toolName, tool] of Object.entries(tools)) {
      routed[`${serverName}_${toolName}`] = tool;
      const execute = tool.execute?.bind(tool);
      if (!execute) continue;
      tool.execute = async (input: unknown, context: ToolExecutionContext) => {
        const run = runs.get(context?.requestContext?.get(RUN_ID_CONTEXT_KEY));
        const done = run ? runs.trackToolCall(run, serverName) : () => {};
        try {
          const withMeta: ToolExecutionContext & { _meta: Record<string, unknown> } = {
            ...context,
            _meta: { [CORRELATION_META_KEY]: run?.id },
          };
          return await execute(input, withMeta);
        } finally {
          done();
        }
      };
    }
  }
  return routed;
}

async function connect(): Promise<McpConnection> {
  const config = appConfig();
  const client = new MCPClient({ id: `elicit-chat-${Date.now()}`, servers: { [SHELL_SERVER_NAME]: shellServer(config) } });
  try {
    const toolsets = await client.listToolsets();
    if (!toolsets[SHELL_SERVER_NAME]) throw new Error("the shell MCP server did not start (see the log above)");
    return { client, tools: routeToolCalls(toolsets) };
  } catch (error) {
    await client.disconnect().catch(() => {});
    throw error;
  }
}

/** The MCP connection of this process: made on first use, then shared by every request. */
export function mcpConnection(): Promise<McpConnection> {
  const state = serverState();
  if (!state.mcp) {
    state.mcp = connect();
    // A failed start is not cached: the next request tries again.
    state.mcp.catch(() => {
      state.mcp = undefined;
    });
  }
  return state.mcp;
}
