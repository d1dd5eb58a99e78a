import "server-only";
import { toAISdkStream } from "@mastra/ai-sdk";
import type { Agent } from "@mastra/core/agent";
import { RequestContext } from "@mastra/core/request-context";
import type { UIMessageChunk } from "ai";
import { askExpertTool, type ExpertRequests } from "@/lib/agent/ask-expert-tool";
import { ASK_EXPERT_TOOL } from "@/lib/agent/ask-expert-contract";
import type { AuditTrail } from "@/lib/audit/audit-trail";
import { errorMessage } from "@/lib/errors";
import type { McpConnections } from "@/lib/mcp/connections";
import { RUN_ID_CONTEXT_KEY } from "@/lib/mcp/route-tool-calls";
import type { ChatTurn } from "./turns";
import { SERVER_NOTICE_PART_TYPE, type ServerNotice } from "./server-notice";

const MAX_STEPS = 8;

type StreamOptions = Parameters<Agent["resumeStream"]>[1] & Record<string, unknown>;
/** Starts the agent's output for a turn: a new run (stream) or a suspended one continued (resumeStream). */
export type StreamStarter = (options: StreamOptions) => ReturnType<Agent["resumeStream"]>;

/** Runs a turn to its end, writing the agent's output to the turn's log. */
export async function driveTurn(
  { mcp, audit, humanRequests }: { mcp: McpConnections; audit: AuditTrail; humanRequests: ExpertRequests },
  run: ChatTurn,
  start: StreamStarter,
): Promise<void> {
  let release = () => {};
  let notices: ServerNotice[] = [];
  try {
    const turnTools = await mcp.forTurn(run.threadId);
    release = turnTools.release;
    notices = turnTools.notices;
    const requestContext = new RequestContext();
    requestContext.set(RUN_ID_CONTEXT_KEY, run.id);
    const output = await start({
      // Also the progress token of the turn's MCP calls, which is how live command output finds this run.
      runId: run.id,
      abortSignal: run.signal,
      maxSteps: MAX_STEPS,
      requestContext,
      // The MCP servers' tools, and the built-in ones (asking a person on the team goes through this turn).
      toolsets: { mcp: turnTools.tools, builtin: { [ASK_EXPERT_TOOL]: askExpertTool(run, humanRequests) } },
    });
    const chunks = toAISdkStream(output, { from: "agent", version: "v7" }) as ReadableStream<UIMessageChunk>;
    const reader = chunks.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      if (next.value.type === "tool-output-available" || next.value.type === "tool-output-error") run.clearOutput();
      // What a command the person decided on did: ran (exit code) or not, for the audit trail.
      audit.sawTurnChunk(run, next.value);
      // The reply's id is fixed here, so the browser's copy and the stored copy are the same message; a resumed run
      // (its agent output starts again) keeps adding to it.
      if (next.value.type === "start") run.replyId ??= next.value.messageId ?? `reply-${run.id}`;
      run.log.push(next.value.type === "start" ? { ...next.value, messageId: run.replyId } : next.value);
      // Right after the message starts: the browser resets the message on its first start chunk.
      if (next.value.type === "start") notices = showNotices(run, notices);
    }
  } catch (error) {
    console.error("[chat] turn failed:", error);
    notices = showNotices(run, notices);
    run.log.push({ type: "error", errorText: `The chat turn failed: ${errorMessage(error)}` });
  } finally {
    release();
  }
}

/** Writes each notice as its own part (once), and returns what is left to show: nothing. */
function showNotices(run: ChatTurn, notices: ServerNotice[]): ServerNotice[] {
  notices.forEach((data, index) => run.log.push({ type: SERVER_NOTICE_PART_TYPE, id: `notice-${run.id}-${index}`, data }));
  return [];
}
