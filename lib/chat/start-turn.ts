import "server-only";
import type { MessageListInput } from "@mastra/core/agent/message-list";
import { RequestContext } from "@mastra/core/request-context";
import { toAISdkStream } from "@mastra/ai-sdk";
import type { UIMessage, UIMessageChunk } from "ai";
import { errorMessage } from "@/lib/errors";
import { RUN_ID_CONTEXT_KEY } from "@/lib/mcp/route-tool-calls";
import { serverState, type ServerState } from "@/lib/server-state";
import type { ChatTurn } from "./turns";
import { SERVER_NOTICE_PART_TYPE, type ServerNotice } from "./server-notice";

const MAX_STEPS = 8;

interface TurnRequest {
  threadId: string;
  /** Who asked: the conversation's owner. */
  ownerId: string;
  /** Their name, as routing rules match it. */
  ownerName?: string;
  messages: ReadonlyArray<{ id: string; role: string; parts: ReadonlyArray<{ type: string }> }>;
}

/**
 * Starts one chat turn. Its AI SDK UI message chunks (the agent's output, `data-server-notice` parts naming the MCP
 * servers it goes on without, and `data-elicitation` cards written by the MCP elicitation handler while a tool waits
 * for the person) go to the run's log, which any number of HTTP responses can follow: the one that started the
 * turn, or a reloaded tab's.
 */
export async function startTurn({ threadId, ownerId, ownerName, messages }: TurnRequest): Promise<ChatTurn> {
  const state = serverState();
  const run = state.turns.open(threadId, ownerId, ownerName);
  try {
    // On disk before anything runs: a restart never loses what the person asked.
    await state.conversations.follow({ id: threadId, ownerId }, messages as unknown as UIMessage[], run);
  } catch (error) {
    state.turns.close(run);
    throw error;
  }
  // Mastra's MessageListInput is typed against its own bundled copy of the AI SDK; the runtime takes UI messages.
  const stream: StreamStarter = (options) => state.agent.stream(messages as unknown as MessageListInput, options);
  run.driving = driveTurn(state, run, stream);
  void run.driving.finally(() => state.resumer.parkOrClose(run));
  return run;
}

type StreamOptions = Parameters<ServerState["agent"]["resumeStream"]>[1] & Record<string, unknown>;
/** Starts the agent's output for a turn: a new run (stream) or a suspended one continued (resumeStream). */
export type StreamStarter = (options: StreamOptions) => ReturnType<ServerState["agent"]["resumeStream"]>;

/** Runs a turn to its end, writing the agent's output to the turn's log. */
export async function driveTurn({ mcp, audit }: Pick<ServerState, "mcp" | "audit">, run: ChatTurn, start: StreamStarter): Promise<void> {
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
      toolsets: { mcp: turnTools.tools },
    });
    const chunks = toAISdkStream(output, { from: "agent", version: "v7" }) as ReadableStream<UIMessageChunk>;
    const reader = chunks.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      if (next.value.type === "tool-output-available" || next.value.type === "tool-output-error") run.clearOutput();
      // What a command the person decided on did: ran (exit code) or not, for the audit trail.
      audit.sawTurnChunk(run, next.value);
      // The reply's id is fixed here, so the browser's copy and the stored copy are the same message.
      run.log.push(next.value.type === "start" ? { ...next.value, messageId: next.value.messageId ?? `reply-${run.id}` } : next.value);
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
