import "server-only";
import { readUIMessageStream, type UIMessage, type UIMessageChunk } from "ai";
import type { ChatTurn } from "./turns";

/**
 * The latest state of each conversation, in memory, so the same conversation can be opened in another tab or on
 * another reviewer's screen (`/?thread=<id>`): its messages up to the turn in flight, and that turn's run id,
 * which the new tab replays and follows live. The least recently used conversations are forgotten first.
 */
export interface Conversation {
  messages: UIMessage[];
  /** The turn in flight, if any: GET /api/chat/runs/{id}/stream replays it. */
  runId?: string;
}

const MAX_CONVERSATIONS = 200;

export class Conversations {
  private readonly byThread = new Map<string, Conversation>();

  get(threadId: string): Conversation | undefined {
    return this.byThread.get(threadId);
  }

  /** A turn started with these messages; when it ends, its assistant message is added. */
  follow(threadId: string, messages: UIMessage[], run: ChatTurn): void {
    this.put(threadId, { messages, runId: run.id });
    void lastMessage(run).then((reply) => {
      const current = this.byThread.get(threadId);
      // A newer turn has started meanwhile: it already carries this one's reply in its own messages.
      if (current?.runId !== run.id) return;
      this.put(threadId, { messages: reply ? [...messages, reply] : messages });
    });
  }

  private put(threadId: string, conversation: Conversation): void {
    this.byThread.delete(threadId);
    this.byThread.set(threadId, conversation);
    if (this.byThread.size > MAX_CONVERSATIONS) {
      const oldest = this.byThread.keys().next().value;
      if (oldest !== undefined) this.byThread.delete(oldest);
    }
  }
}

/** The assistant message a turn produced, rebuilt from its log the way a browser would. */
async function lastMessage(run: ChatTurn): Promise<UIMessage | undefined> {
  const chunks = await run.log.whenDone();
  const stream = new ReadableStream<UIMessageChunk>({
    start(controller) {
      chunks.forEach((chunk) => controller.enqueue(chunk));
      controller.close();
    },
  });
  let last: UIMessage | undefined;
  try {
    for await (const message of readUIMessageStream<UIMessage>({ stream })) last = message;
  } catch {
    // A failed turn keeps what it had.
  }
  return last;
}
