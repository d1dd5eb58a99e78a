import "server-only";
import type { MessageListInput } from "@mastra/core/agent/message-list";
import { RequestContext } from "@mastra/core/request-context";
import { toAISdkStream } from "@mastra/ai-sdk";
import type { UIMessage, UIMessageChunk } from "ai";
import { chatAgent } from "@/lib/agent/agent";
import { errorMessage } from "@/lib/errors";
import { RUN_ID_CONTEXT_KEY, toolsForTurn } from "@/lib/mcp/client";
import { serverState } from "@/lib/server-state";
import type { ChatRun } from "./runs";

const MAX_STEPS = 8;

interface ChatTurn {
  threadId: string;
  messages: ReadonlyArray<{ id: string; role: string; parts: ReadonlyArray<{ type: string }> }>;
}

/**
 * Starts one chat turn. Its AI SDK UI message chunks (the agent's output, plus `data-elicitation` cards written
 * by the MCP elicitation handler while a tool waits for the person) go to the run's log, which any number of
 * HTTP responses can follow: the one that started the turn, or a reloaded tab's.
 */
export function startTurn({ threadId, messages }: ChatTurn): ChatRun {
  const { runs, conversations } = serverState();
  const run = runs.open(threadId);
  conversations.follow(threadId, messages as unknown as UIMessage[], run);
  void drive(run, messages).finally(() => runs.close(run));
  return run;
}

async function drive(run: ChatRun, messages: ChatTurn["messages"]): Promise<void> {
  let release = () => {};
  try {
    const turnTools = await toolsForTurn(run.threadId);
    release = turnTools.release;
    const requestContext = new RequestContext();
    requestContext.set(RUN_ID_CONTEXT_KEY, run.id);
    // Mastra's MessageListInput is typed against its own bundled copy of the AI SDK; the runtime takes UI messages.
    const output = await chatAgent().stream(messages as unknown as MessageListInput, {
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
      run.log.push(next.value);
    }
  } catch (error) {
    console.error("[chat] turn failed:", error);
    run.log.push({ type: "error", errorText: `The chat turn failed: ${errorMessage(error)}` });
  } finally {
    release();
  }
}
