import "server-only";
import type { MessageListInput } from "@mastra/core/agent/message-list";
import type { UIMessage } from "ai";
import { serverState } from "@/lib/server-state";
import type { ChatTurn } from "./turns";
import { driveTurn, type StreamStarter } from "./drive-turn";

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
