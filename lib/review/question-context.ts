/**
 * The context a reviewer sees beside a question: the text of its conversation's last few messages, nothing else
 * (no tool output, no other cards). Reviewers never get the whole conversation.
 */
import "server-only";
import type { UIMessage } from "ai";
import type { ConversationStore } from "@/lib/db/conversation-store";
import type { QuestionContext } from "./contract";

export const CONTEXT_MESSAGES = 6;
const MAX_TEXT = 2_000;

/** Only the requester's own conversation: one made by someone else under that id says nothing about the question. */
export async function questionContext(
  store: ConversationStore,
  question: { threadId: string; requesterId: string },
  count = CONTEXT_MESSAGES,
): Promise<QuestionContext> {
  const stored = await store.get(question.threadId);
  const conversation = stored?.ownerId === question.requesterId ? stored : undefined;
  const messages = (conversation?.messages ?? []).flatMap((message: UIMessage) => {
    const text = message.parts
      .flatMap((part) => (part.type === "text" ? [part.text] : []))
      .join("\n")
      .trim();
    return text ? [{ id: message.id, role: message.role, text: text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text }] : [];
  });
  return { messages: messages.slice(-count) };
}
