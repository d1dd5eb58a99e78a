import "server-only";
import type { UIMessageChunk } from "ai";
import type { ChatTurn, ChatTurns } from "@/lib/chat/turns";
import type { RedisLinks } from "./redis-links";

const streamKey = (runId: string) => `elicit:turn:${runId}`;
const metaKey = (runId: string) => `elicit:turn-meta:${runId}`;
const conversationKey = (threadId: string) => `elicit:conversation-run:${threadId}`;

/** Bounds: a turn's log is capped (approximately, as Redis trims), kept an hour while it runs, two minutes after. */
const MAX_ENTRIES = 5_000;
const RUNNING_TTL_MS = 3_600_000;
const ENDED_TTL_MS = 120_000;
const BLOCK_MS = 5_000;

export interface RemoteTurn {
  runId: string;
  owner: string;
  ownerId: string;
  continuesReply: boolean;
}

/**
 * A turn's live stream, readable from every instance: each chunk this instance's turns push is appended to a Redis
 * stream (a stream, not pub/sub: a reload routed to another instance must replay the turn from its start, then
 * follow it). Which turn a conversation is running is a key of its own, so a tab opening the conversation on any
 * instance finds it. Everything expires; the log of a turn is capped.
 */
export class TurnRelay {
  private readonly instanceId: string;
  private readonly links: RedisLinks;
  private readonly isAlive: (instanceId: string) => Promise<boolean>;

  constructor(deps: { instanceId: string; links: RedisLinks; turns: ChatTurns; isAlive: (instanceId: string) => Promise<boolean> }) {
    this.instanceId = deps.instanceId;
    this.links = deps.links;
    this.isAlive = deps.isAlive;
    deps.turns.onOpen((run) => this.share(run));
  }

  /** The turn this conversation runs on another instance, if any. */
  async runningIn(threadId: string): Promise<RemoteTurn | undefined> {
    if (!this.links.up) return undefined;
    const runId = await this.links.commands.get(conversationKey(threadId)).catch(() => null);
    const turn = runId ? await this.turn(runId) : undefined;
    // Its instance died mid-turn: nothing will come of it, and the tab must not wait for it.
    return turn && (await this.isAlive(turn.owner)) ? turn : undefined;
  }

  async turn(runId: string): Promise<RemoteTurn | undefined> {
    if (!this.links.up) return undefined;
    const meta = await this.links.commands.hgetall(metaKey(runId)).catch(() => ({}) as Record<string, string>);
    if (!meta.owner || !meta.ownerId || meta.owner === this.instanceId) return undefined;
    return { runId, owner: meta.owner, ownerId: meta.ownerId, continuesReply: meta.continuesReply === "1" };
  }

  /** Another instance's turn, from its start and then live, for a reader who may see it; undefined otherwise. */
  async follow(
    runId: string,
    mayRead: (ownerId: string) => boolean,
    signal: AbortSignal,
  ): Promise<ReadableStream<UIMessageChunk> | undefined> {
    const turn = await this.turn(runId);
    if (!turn || !mayRead(turn.ownerId)) return undefined;
    const reader = this.links.blocking();
    const stop = () => reader.disconnect();
    signal.addEventListener("abort", stop, { once: true });
    let lastId = "0";
    return new ReadableStream<UIMessageChunk>({
      pull: async (controller) => {
        try {
          for (;;) {
            const batch = await reader.xread("COUNT", 500, "BLOCK", BLOCK_MS, "STREAMS", streamKey(runId), lastId);
            const entries = batch?.[0]?.[1] ?? [];
            if (entries.length === 0) {
              // Quiet: it may have ended without its last entry (its instance died), or expired.
              if (!(await this.isAlive(turn.owner)) || !(await reader.exists(streamKey(runId)))) return close();
              continue;
            }
            for (const [id, fields] of entries) {
              lastId = id;
              const chunk = fieldOf(fields, "c");
              if (chunk === undefined) return close();
              controller.enqueue(JSON.parse(chunk) as UIMessageChunk);
            }
            return;
          }
        } catch {
          close();
        }
        function close() {
          stop();
          signal.removeEventListener("abort", stop);
          try {
            controller.close();
          } catch {
            // Already closed.
          }
        }
      },
      cancel: () => {
        stop();
        signal.removeEventListener("abort", stop);
      },
    });
  }

  private share(run: ChatTurn): void {
    let started = false;
    const key = streamKey(run.id);
    const stopListening = run.log.onPush((chunk) => {
      if (!this.links.up) return;
      const batch = this.links.commands.multi();
      if (!started) {
        started = true;
        const meta = { owner: this.instanceId, ownerId: run.ownerId, threadId: run.threadId, continuesReply: run.replyId ? "1" : "0" };
        // A turn resumed after its question keeps its run id: its log starts again, as the local one does.
        batch.del(key);
        batch.hset(metaKey(run.id), meta).pexpire(metaKey(run.id), RUNNING_TTL_MS);
        batch.set(conversationKey(run.threadId), run.id, "PX", RUNNING_TTL_MS);
      }
      batch.xadd(key, "MAXLEN", "~", MAX_ENTRIES, "*", "c", JSON.stringify(chunk)).pexpire(key, RUNNING_TTL_MS);
      void batch.exec().catch(() => {});
    });
    void run.log.whenDone().then(() => {
      stopListening();
      if (!started || !this.links.up) return;
      void this.links.commands
        .multi()
        .xadd(key, "*", "end", "1")
        .pexpire(key, ENDED_TTL_MS)
        .pexpire(metaKey(run.id), ENDED_TTL_MS)
        .exec()
        .then(() => this.forgetConversationRun(run))
        .catch(() => {});
    });
  }

  /** Only if it still names this run: a newer turn of the conversation may have started meanwhile. */
  private async forgetConversationRun(run: ChatTurn): Promise<void> {
    const key = conversationKey(run.threadId);
    if ((await this.links.commands.get(key)) === run.id) await this.links.commands.del(key);
  }
}

function fieldOf(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}
