import "server-only";
import type { UIMessage } from "ai";
import { MAX_TITLE_LENGTH, type ConversationSummary } from "@/lib/chat/conversation-contract";
import type { ElicitationData } from "@/lib/elicitation/contract";
import { notOwned, titleOf, type ConversationStore, type StoredConversation } from "./conversation-store";
import type { Adopted, QuestionStore, StoredQuestion } from "./question-store";

/**
 * The stores kept in this process's memory only (STORAGE=memory): nothing survives a restart. For throwaway demos
 * and for the bench's "storage off" baseline; held to the same contract tests as the SQL stores.
 */
export class MemoryConversationStore implements ConversationStore {
  private readonly conversations = new Map<
    string,
    ConversationSummary & { messages: Map<string, { position: number; message: UIMessage }> }
  >();

  async list({ ownerId, search, limit }: { ownerId?: string; search?: string; limit: number }): Promise<ConversationSummary[]> {
    const needle = search?.trim().toLowerCase();
    return [...this.conversations.values()]
      .filter((c) => (ownerId === undefined || c.ownerId === ownerId) && (!needle || c.title.toLowerCase().includes(needle)))
      .sort((a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id))
      .slice(0, limit)
      .map(({ messages: _messages, ...summary }) => summary);
  }

  async get(id: string): Promise<StoredConversation | undefined> {
    const found = this.conversations.get(id);
    if (!found) return undefined;
    const { messages, ...summary } = found;
    const ordered = [...messages.values()].sort((a, b) => a.position - b.position).map((m) => structuredClone(m.message));
    return { ...summary, messages: ordered };
  }

  async save(conversation: { id: string; ownerId: string }, messages: readonly UIMessage[], from = 0): Promise<void> {
    const now = Date.now();
    const existing = this.conversations.get(conversation.id);
    if (existing && existing.ownerId !== conversation.ownerId) throw notOwned();
    const entry = existing ?? {
      id: conversation.id,
      ownerId: conversation.ownerId,
      title: titleOf(messages),
      createdAt: now,
      updatedAt: now,
      messages: new Map(),
    };
    entry.updatedAt = now;
    messages.forEach((message, index) => entry.messages.set(message.id, { position: from + index, message: structuredClone(message) }));
    this.conversations.set(conversation.id, entry);
  }

  async rename(id: string, title: string): Promise<boolean> {
    const found = this.conversations.get(id);
    if (!found) return false;
    found.title = title.slice(0, MAX_TITLE_LENGTH);
    return true;
  }

  async delete(id: string): Promise<boolean> {
    return this.conversations.delete(id);
  }
}

export class MemoryQuestionStore implements QuestionStore {
  private readonly questions = new Map<string, StoredQuestion>();

  async record(data: ElicitationData, requesterId: string): Promise<void> {
    this.questions.set(data.id, { data: structuredClone(data), requesterId });
  }

  async get(id: string): Promise<StoredQuestion | undefined> {
    return this.questions.get(id);
  }

  async many(ids: readonly string[]): Promise<Map<string, ElicitationData>> {
    return new Map(ids.flatMap((id) => (this.questions.has(id) ? [[id, this.questions.get(id)!.data] as const] : [])));
  }

  async pending(options: { conversationId?: string } = {}): Promise<StoredQuestion[]> {
    return [...this.questions.values()]
      .filter((q) => q.data.status === "pending" && (options.conversationId === undefined || q.data.threadId === options.conversationId))
      .sort((a, b) => a.data.createdAt - b.data.createdAt);
  }

  async expirePending(): Promise<StoredQuestion[]> {
    return []; // Nothing outlives the process that asked it.
  }

  async otherOwners(): Promise<string[]> {
    return []; // One process: there are no others.
  }

  async adopt(): Promise<Adopted> {
    return { expired: [], durable: [], kept: [] };
  }
}
