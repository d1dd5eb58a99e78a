/**
 * Remembered approvals, kept apart per conversation. One MCP session can serve many conversations (the chat app
 * has one connection to this server for all of them), so a yes given in one conversation must never approve a
 * command in another: each conversation named in a call's `_meta` gets its own SessionRules. Calls that name no
 * conversation (ordinary MCP clients, one conversation per session) share the session's own rules.
 */
import { CONVERSATION_META_KEY } from "../contract.ts";
import { SessionRules } from "./session-rules.ts";

/** How many conversations' rules one session keeps; the least recently used are forgotten first. */
export const MAX_CONVERSATIONS = 500;
const MAX_ID_LENGTH = 200;
const SESSION_KEY = "";

export class ConversationRules {
  private readonly byConversation = new Map<string, SessionRules>();
  private readonly max: number;

  constructor(max = MAX_CONVERSATIONS) {
    this.max = max;
  }

  /** The rules for the conversation a call's `_meta` names, created on first use. */
  forCall(meta: Record<string, unknown> | undefined): SessionRules {
    const key = conversationKey(meta);
    // An id we cannot use names no conversation we could keep apart: remember nothing for it.
    if (key === null) return new SessionRules();
    const existing = this.byConversation.get(key);
    if (existing) {
      // Map order is use order: re-inserting marks this conversation as the most recently used.
      this.byConversation.delete(key);
      this.byConversation.set(key, existing);
      return existing;
    }
    const rules = new SessionRules();
    this.byConversation.set(key, rules);
    for (const oldest of this.byConversation.keys()) {
      if (this.byConversation.size <= this.max) break;
      this.byConversation.delete(oldest);
    }
    return rules;
  }
}

/** The session's own key, a conversation's, or null for an id that is not a short non-empty string. */
function conversationKey(meta: Record<string, unknown> | undefined): string | null {
  const id = meta?.[CONVERSATION_META_KEY];
  if (id === undefined) return SESSION_KEY;
  return typeof id === "string" && id.length > 0 && id.length <= MAX_ID_LENGTH ? `conversation:${id}` : null;
}
