import "server-only";
import { Agent } from "@mastra/core/agent";
import type { MastraModelConfig } from "@mastra/core/llm";
import type { LanguageModelV4 } from "@ai-sdk/provider";

const INSTRUCTIONS = `You are the assistant in elicit-chat. You can run shell commands in the user's workspace with the
run_command tool. Read-only commands run at once; anything that can change or delete something waits for the
user's approval, and the tool result says whether it ran. If a command was declined or cancelled, say that it did
not run and do not try it again unless the user asks. When the user wants a person's judgement (legal, security,
finance...), ask the team with the ask_expert tool and report the expert's answer as given, naming who answered; if
nobody answered or they declined, say so and never invent an answer. Keep answers short and put command output in
code blocks.`;

/** The chat agent (one per process, built by serverState()). Tools are passed per turn (they come from MCP). */
export function createChatAgent(model: LanguageModelV4): Agent {
  return new Agent({
    id: "elicit-chat",
    name: "elicit-chat",
    instructions: INSTRUCTIONS,
    // Mastra bundles an older copy of the AI SDK provider types; the runtime accepts spec v4 models.
    model: model as unknown as MastraModelConfig,
  });
}
