import "server-only";
import { readUIMessageStream, type UIMessage, type UIMessageChunk } from "ai";
import type { ConversationState, ConversationSummary } from "@/lib/chat/conversation-contract";
import type { ConversationStore } from "@/lib/db/conversation-store";
import type { QuestionStore } from "@/lib/db/question-store";
import { ELICITATION_PART_TYPE, type ElicitationData } from "@/lib/elicitation/contract";
import type { ElicitationRegistry } from "@/lib/elicitation/registry";
import type { ChatTurn } from "./turns";

/** How often a running turn's reply is saved at most: cards and output are on disk within this. */
const SAVE_EVERY_MS = 250;

/** What the cards of a deleted conversation's pending questions and its stopped turn say. */
export const DELETED_NOTE = "the conversation was deleted";

/** A turn being followed: stop() ends its saving (the conversation went away); saved() waits for a save under way. */
interface Followed {
  run: ChatTurn;
  /** It continues the stored reply of the run it resumes. */
  continuesReply: boolean;
  stop(): void;
  saved(): Promise<void>;
}

/**
 * Conversations as they are produced: the messages a turn starts with are saved before it runs, and its reply is
 * saved while it streams (at most every SAVE_EVERY_MS) and when it ends. Reading one gives every card its latest
 * state from the question store (a card saved as pending that the server no longer waits for shows how it ended,
 * e.g. "expired: the server restarted"), and the turn in flight, which a tab replays to follow along.
 */
export class Conversations {
  /** The turn in flight per conversation (turns live in this process only). */
  private readonly inFlight = new Map<string, Followed>();
  private readonly store: ConversationStore;
  private readonly questions: QuestionStore;
  private readonly registry: ElicitationRegistry;
  private readonly runningElsewhere: (id: string) => Promise<{ runId: string; continuesReply: boolean } | undefined>;

  constructor(deps: {
    store: ConversationStore;
    questions: QuestionStore;
    registry: ElicitationRegistry;
    /** With several instances: the turn a conversation runs on another one, which a tab here follows too. */
    runningElsewhere?: (id: string) => Promise<{ runId: string; continuesReply: boolean } | undefined>;
  }) {
    this.store = deps.store;
    this.questions = deps.questions;
    this.registry = deps.registry;
    this.runningElsewhere = deps.runningElsewhere ?? (async () => undefined);
  }

  /**
   * Resolves once the person's new message is saved; keeps saving the turn's reply until it ends. Only what the
   * server itself saw is stored: the person's new messages and the replies the agent streamed. The history a
   * browser sends along is its own copy, so an edited or invented assistant message in it never reaches the
   * record (which reviewers read for context).
   */
  async follow(
    conversation: { id: string; ownerId: string },
    messages: UIMessage[],
    run: ChatTurn,
    { continues }: { continues?: string } = {},
  ): Promise<void> {
    let replyAt = 0;
    let base: UIMessage | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let saving = Promise.resolve();
    let stopped = false;
    const saveReply = () => {
      timer = undefined;
      saving = saving
        .then(async () => {
          if (stopped) return;
          const reply = await replyOf(run.log.snapshot(), base);
          if (reply && !stopped) await this.store.save(conversation, [reply], replyAt);
        })
        .catch((error: unknown) => console.error("[chat] could not save a reply:", error));
      return saving;
    };
    const stopListening = run.log.onPush(() => {
      timer ??= setTimeout(saveReply, SAVE_EVERY_MS);
    });
    const followed: Followed = {
      run,
      continuesReply: false,
      // A deleted conversation must not come back from a save of its last turn.
      stop: () => {
        stopped = true;
        stopListening();
        clearTimeout(timer);
      },
      saved: () => saving,
    };
    // A refused first save (someone else's conversation) leaves its owner's turn followed.
    const previous = this.inFlight.get(conversation.id);
    this.inFlight.set(conversation.id, followed);
    const forget = () => {
      if (this.inFlight.get(conversation.id) === followed) this.inFlight.delete(conversation.id);
    };
    try {
      const stored = (await this.store.get(conversation.id))?.messages ?? [];
      const continued = continues === undefined ? -1 : stored.findIndex((message) => message.id === continues);
      if (continued >= 0) {
        // A resumed turn adds to the reply it suspended in, where it stands.
        base = stored[continued];
        replyAt = continued;
        followed.continuesReply = true;
      } else {
        const known = new Set(stored.map((message) => message.id));
        const fresh = messages.filter((message) => message.role === "user" && !known.has(message.id));
        await this.store.save(conversation, fresh, stored.length);
        replyAt = stored.length + fresh.length;
      }
    } catch (error) {
      followed.stop();
      forget();
      if (previous && !this.inFlight.has(conversation.id)) this.inFlight.set(conversation.id, previous);
      throw error;
    }
    void run.log.whenDone().then(async () => {
      stopListening();
      clearTimeout(timer);
      await saveReply();
      forget();
    });
  }

  /** Newest first, titles matching `search` (any case); `ownerId` undefined lists everyone's. */
  list(options: { ownerId?: string; search?: string; limit: number }): Promise<ConversationSummary[]> {
    return this.store.list(options);
  }

  /** A conversation without its messages (its owner decides who may change it); undefined when there is none. */
  async summary(id: string): Promise<ConversationSummary | undefined> {
    const stored = await this.store.get(id);
    if (!stored) return undefined;
    const { messages: _messages, ...summary } = stored;
    return summary;
  }

  rename(id: string, title: string): Promise<boolean> {
    return this.store.rename(id, title);
  }

  /**
   * Deletes a conversation, after ending everything still waiting in it: its turn is stopped and its pending
   * questions are cancelled (so nothing they guard runs), and a reply being saved cannot bring it back.
   */
  async delete(id: string, by: string): Promise<boolean> {
    const followed = this.inFlight.get(id);
    if (followed) {
      followed.stop();
      // Its cards are cancelled by the abort, with this reason as their note.
      followed.run.stop(DELETED_NOTE);
      this.inFlight.delete(id);
    }
    // Questions not tied to the turn's signal (or asked without a turn) are cancelled by hand: the owner's only.
    const ownerId = (await this.store.get(id))?.ownerId;
    for (const question of this.registry.listPending(id)) {
      if (this.registry.requesterOf(question.id) === ownerId) this.registry.answer(question.id, { action: "cancel" }, by);
    }
    await followed?.saved();
    return this.store.delete(id);
  }

  /** A conversation as a tab opens it; undefined when there is none. */
  async state(id: string): Promise<ConversationState | undefined> {
    const stored = await this.store.get(id);
    if (!stored) return undefined;
    const { messages, ...conversation } = stored;
    const run = this.inFlight.get(id)?.run;
    const latest = (await this.withLatestCards(messages)) as ConversationState["messages"];
    const followed = this.inFlight.get(id);
    const live = run && !run.log.done;
    const elsewhere = live ? undefined : await this.runningElsewhere(id);
    return {
      conversation,
      messages: latest,
      runId: live ? run.id : (elsewhere?.runId ?? null),
      ...(((live && followed?.continuesReply) || elsewhere?.continuesReply) && { continuesReply: true }),
    };
  }

  /** Every card in these messages as it stands now: live if still waiting, else as stored. */
  private async withLatestCards(messages: UIMessage[]): Promise<UIMessage[]> {
    const ids = messages.flatMap((m) =>
      m.parts.flatMap((part) => (part.type === ELICITATION_PART_TYPE && "id" in part ? [String(part.id)] : [])),
    );
    const stored = await this.questions.many(ids);
    const latest = (id: string): ElicitationData | undefined => this.registry.get(id) ?? stored.get(id);
    return messages.map((message) => ({
      ...message,
      parts: message.parts.map((part) => {
        if (part.type !== ELICITATION_PART_TYPE || !("id" in part)) return part;
        const data = latest(String(part.id));
        return data ? { ...part, data } : part;
      }),
    }));
  }
}

/** The assistant message a turn has produced so far, rebuilt from its log the way a browser would. */
async function replyOf(chunks: UIMessageChunk[], base?: UIMessage): Promise<UIMessage | undefined> {
  const stream = new ReadableStream<UIMessageChunk>({
    start(controller) {
      chunks.forEach((chunk) => controller.enqueue(chunk));
      controller.close();
    },
  });
  let last: UIMessage | undefined = base;
  try {
    for await (const message of readUIMessageStream<UIMessage>({ stream, ...(base && { message: base }) })) last = message;
  } catch {
    // A failed turn keeps what it had.
  }
  return last;
}
