import "server-only";
import type { MessageListInput } from "@mastra/core/agent/message-list";
import { RequestContext } from "@mastra/core/request-context";
import { toAISdkStream } from "@mastra/ai-sdk";
import { createUIMessageStream, type UIMessageChunk } from "ai";
import { chatAgent } from "@/lib/agent/agent";
import { ELICITATION_PART_TYPE } from "@/lib/elicitation/contract";
import { RUN_ID_CONTEXT_KEY, toolsForTurn } from "@/lib/mcp/client";
import { serverState } from "@/lib/server-state";

const MAX_STEPS = 8;

interface ChatTurn {
  threadId: string;
  messages: ReadonlyArray<{ id: string; role: string; parts: ReadonlyArray<{ type: string }> }>;
  /** The HTTP request's signal: aborts when the browser disconnects or Stop is pressed. */
  signal: AbortSignal;
}

/**
 * One chat turn as an AI SDK UI message stream: the agent's output, with `data-elicitation` cards written into
 * the same stream by the MCP elicitation handler while a tool waits for the person.
 */
export function streamChat({ threadId, messages, signal }: ChatTurn): ReadableStream<UIMessageChunk> {
  return createUIMessageStream({
    execute: async ({ writer }) => {
      const { runs } = serverState();
      // Ends with the turn, so a question still open when the agent stops is cancelled, never left to run later.
      const turn = new AbortController();
      const run = runs.open(threadId, AbortSignal.any([signal, turn.signal]), (data) =>
        writer.write({ type: ELICITATION_PART_TYPE, id: data.id, data }),
      );
      const { tools, release } = await toolsForTurn(threadId);
      try {
        const requestContext = new RequestContext();
        requestContext.set(RUN_ID_CONTEXT_KEY, run.id);
        const output = await chatAgent().stream(messages as unknown as MessageListInput, {
          abortSignal: run.signal,
          maxSteps: MAX_STEPS,
          requestContext,
          toolsets: { mcp: tools },
        });
        const chunks = toAISdkStream(output, { from: "agent", version: "v7" }) as ReadableStream<UIMessageChunk>;
        // Read to the end here (not writer.merge) so the run stays routable exactly as long as the agent runs.
        const reader = chunks.getReader();
        for (let next = await reader.read(); !next.done; next = await reader.read()) writer.write(next.value);
      } finally {
        turn.abort();
        runs.close(run);
        release();
      }
    },
    onError: (error) => `The chat turn failed: ${error instanceof Error ? error.message : String(error)}`,
  });
}

