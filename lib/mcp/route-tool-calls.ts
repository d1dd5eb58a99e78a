import "server-only";
import type { ToolExecutionContext } from "@mastra/core/tools";
import type { MCPClient } from "@mastra/mcp";
import { CORRELATION_META_KEY } from "@/mcp-server/contract";
import type { ChatRuns } from "@/lib/chat/runs";
import type { ElicitationRegistry } from "@/lib/elicitation/registry";
import { showRequiredUrls } from "./url-elicitation";

export type Toolsets = Awaited<ReturnType<MCPClient["listToolsets"]>>;
export type McpTool = Toolsets[string][string];

/** The RequestContext key under which a chat request passes its run id down to tool calls. */
export const RUN_ID_CONTEXT_KEY = "elicit-chat.runId";

/**
 * Names each MCP tool `${server}_${tool}` (two servers' tools never collide) and wraps it so its call carries
 * the chat run's correlation id in `_meta` (our server echoes it into its elicitations) and counts as in flight
 * on that server while it runs (how elicitations from servers that do not echo it are routed, see ChatRuns).
 * A call that fails with URLElicitationRequiredError shows the URLs it carries as cards instead of failing.
 */
export function routeToolCalls(
  toolsets: Toolsets,
  { runs, registry, timeoutMs }: { runs: ChatRuns; registry: ElicitationRegistry; timeoutMs: number },
): Record<string, McpTool> {
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
        } catch (error) {
          const required = run && showRequiredUrls(error, { run, serverName, registry, timeoutMs });
          if (required) return required;
          throw error;
        } finally {
          done();
        }
      };
    }
  }
  return routed;
}
