import "server-only";
import type { ToolExecutionContext } from "@mastra/core/tools";
import type { MCPClient } from "@mastra/mcp";
import { CONVERSATION_META_KEY, CORRELATION_META_KEY } from "@/mcp-server/contract";
import type { ChatTurns } from "@/lib/chat/turns";
import type { ElicitationRegistry } from "@/lib/elicitation/registry";
import { errorMessage } from "@/lib/errors";
import { passGate } from "./tool-approval";
import { isDenied, type GateSettings } from "./tool-approval-decision";
import type { ToolApprovalMemory } from "./tool-approval-memory";
import { BUNDLED_SERVER_NAME, toolKey } from "./tool-names";
import { showRequiredUrls } from "./url-elicitation";
import { callResumable, resumeDataSchema, type ResumableDeps } from "./resumable-tool";

export type Toolsets = Awaited<ReturnType<MCPClient["listToolsets"]>>;
export type McpTool = Toolsets[string][string];

/** The RequestContext key under which a chat request passes its run id down to tool calls. */
export const RUN_ID_CONTEXT_KEY = "elicit-chat.runId";

export interface RouteDeps {
  turns: ChatTurns;
  registry: ElicitationRegistry;
  timeoutMs: number;
  /**
   * The approval-gate settings of each server from mcp.json, by server name, as the connection was made with them;
   * a server missing from it gets the defaults (ask unless annotated read-only).
   */
  gates: Record<string, GateSettings>;
  /** "Always allow this tool here", per conversation. */
  approvals: ToolApprovalMemory;
  /**
   * For servers that speak MCP 2026-07-28: how to call their tools so a question suspends the turn instead of
   * holding it (lib/mcp/resumable-tool.ts). Undefined, or undefined for a server: today's path (held open).
   */
  resumable?: (serverName: string) => ResumableDeps | undefined;
}

/**
 * Names each MCP tool `${server}_${tool}` (two servers' tools never collide) and wraps it so its call counts as in
 * flight on that server while it runs (how elicitations from servers that do not echo our id are routed, see
 * ChatTurns). Calls to the bundled shell server carry the chat run's correlation id and the conversation id in
 * `_meta` (it echoes the first into its elicitations and scopes remembered approvals by the second). Other servers
 * get neither: in this app those ids are keys (a run id replays the turn's stream, card ids included; a conversation
 * id opens the conversation), and a server holding them could answer its own approval cards if it can reach the
 * app. They need no ids: each conversation has its own connection to them. A call that fails with
 * URLElicitationRequiredError shows the URLs it carries as cards instead of failing.
 *
 * Every server but the bundled shell server (which asks by itself, per command) goes through the approval gate
 * (lib/mcp/tool-approval.ts): its denyTools are not offered at all, and a call the gate does not let through is
 * never made.
 */
export function routeToolCalls(toolsets: Toolsets, deps: RouteDeps): Record<string, McpTool> {
  const { turns, registry, timeoutMs, gates, approvals: memory } = deps;
  const routed: Record<string, McpTool> = {};
  for (const [serverName, tools] of Object.entries(toolsets)) {
    // Only the bundled server is trusted to ask for itself; any other name, configured or not, is gated.
    const settings = serverName === BUNDLED_SERVER_NAME ? undefined : (gates[serverName] ?? {});
    const resumable = deps.resumable?.(serverName);
    for (const [toolName, tool] of Object.entries(tools)) {
      if (settings && isDenied(settings, toolName)) continue;
      routed[toolKey(serverName, toolName)] = tool;
      const execute = tool.execute?.bind(tool);
      if (!execute) continue;
      tool.execute = async (input: unknown, context: ToolExecutionContext) => {
        const run = turns.get(context?.requestContext?.get(RUN_ID_CONTEXT_KEY));
        let report: ((result: { called: boolean; summary: string }) => void) | undefined;
        // A resumed call already passed the gate before it suspended: its person answered the server's question.
        const resuming = resumeDataSchema.safeParse(context?.agent?.resumeData).success;
        if (settings && !resuming) {
          const toolCallId = context?.agent?.toolCallId ?? (context as { toolCallId?: string } | undefined)?.toolCallId;
          const gate = await passGate({ run, serverName, toolName, settings, tool, input, toolCallId }, { registry, memory, timeoutMs });
          if (!gate.proceed) return gate.result;
          ({ input, report } = gate);
        }
        const done = run ? turns.trackToolCall(run, serverName) : () => {};
        try {
          const ids = settings ? {} : { [CORRELATION_META_KEY]: run?.id, [CONVERSATION_META_KEY]: run?.threadId };
          const withMeta: ToolExecutionContext & { _meta: Record<string, unknown> } = { ...context, _meta: ids };
          const result = resumable
            ? await callResumable(resumable, { serverName, toolName, run, meta: ids }, input, withMeta)
            : await execute(input, withMeta);
          report?.({ called: true, summary: reportedError(result) ? "called; the tool reported an error" : "called" });
          return result;
        } catch (error) {
          const stopped = run?.signal.aborted;
          report?.({
            called: true,
            summary: stopped ? "called, then the turn was stopped before it finished" : `called; it failed: ${errorMessage(error)}`,
          });
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

function reportedError(result: unknown): boolean {
  return !!result && typeof result === "object" && (result as { isError?: unknown }).isError === true;
}
