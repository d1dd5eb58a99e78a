import "server-only";
import { z } from "zod";
import { elicitationDataSchema, type ElicitationData } from "@/lib/elicitation/contract";
import type { ElicitationRegistry } from "@/lib/elicitation/registry";
import type { QuestionChange } from "@/lib/review/desk-contract";
import type { RedisLinks } from "./redis-links";

export const QUESTIONS_CHANNEL = "elicit:questions";

/** What goes over the channel: a question of the sender's changed; or "tell me all yours"; or an owner is gone. */
const messageSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.enum(["asked", "updated", "reported", "settled"]),
    from: z.string(),
    data: elicitationDataSchema,
    requesterId: z.string(),
  }),
  z.object({ type: z.literal("sync"), from: z.string() }),
  z.object({ type: z.literal("gone"), from: z.string(), owner: z.string() }),
]);
type Message = z.infer<typeof messageSchema>;

export interface MirroredQuestion extends QuestionChange {
  /** The instance that holds it: where an answer is sent. */
  owner: string;
}

const MAX_SETTLED = 10_000;

/**
 * Every other instance's pending questions, as they change: the inbox, a second tab and the answer route of this
 * instance see them as if they were asked here. Each instance publishes its own registry's events on one pub/sub
 * channel (live and cheap; a missed message is repaired by `sync`, which every instance answers by publishing all
 * it has pending: on start, and each time Redis comes back). Form content is never published: an answer travels
 * to the question's owner only (instance-relay.ts).
 */
export class QuestionMirror {
  private readonly pending = new Map<string, MirroredQuestion>();
  private readonly settled = new Map<string, ElicitationData>();
  private readonly listeners = new Set<(change: QuestionChange) => void>();
  private readonly instanceId: string;
  private readonly links: RedisLinks;
  private readonly registry: ElicitationRegistry;

  constructor(deps: { instanceId: string; links: RedisLinks; registry: ElicitationRegistry }) {
    this.instanceId = deps.instanceId;
    this.links = deps.links;
    this.registry = deps.registry;
    this.registry.observe((event) => {
      const { type, data, requesterId } = event;
      // Taken over here (adopted from an instance that died): shown once, as this instance's.
      if (type === "asked" && this.pending.delete(data.id)) this.changed({ data, requesterId });
      this.publish({ type, from: this.instanceId, data, requesterId });
    });
    this.links.listen(QUESTIONS_CHANNEL, (message) => this.receive(message));
    this.links.onChange((up) => (up ? this.resync() : this.forgetAll()));
  }

  /** Hears every change of a mirrored question; returns the way to stop. */
  onChange(listener: (change: QuestionChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(id: string): MirroredQuestion | undefined {
    return this.pending.get(id);
  }

  /** Resolves once the question is mirrored or known settled, or after `ms`. */
  async whenKnown(id: string, ms: number): Promise<void> {
    if (this.pending.has(id) || this.settled.has(id) || !this.links.up) return;
    await new Promise<void>((resolve) => {
      const done = () => (clearTimeout(timer), stop(), resolve());
      const timer = setTimeout(done, ms);
      const stop = this.onChange((change) => {
        if (change.data.id === id) done();
      });
    });
  }

  /** A question another instance settled lately (a second tab asking how it ended). */
  settledData(id: string): ElicitationData | undefined {
    return this.settled.get(id);
  }

  list(threadId?: string): MirroredQuestion[] {
    return [...this.pending.values()].filter((q) => threadId === undefined || q.data.threadId === threadId);
  }

  /** How many wait on the other instances: the pending limits count them too. */
  count(threadId?: string): number {
    if (threadId === undefined) return this.pending.size;
    let count = 0;
    for (const question of this.pending.values()) if (question.data.threadId === threadId) count++;
    return count;
  }

  owners(): Set<string> {
    return new Set([...this.pending.values()].map((q) => q.owner));
  }

  /**
   * Tells every instance what this one holds: first that anything they still show of it is gone (what it held in an
   * earlier life, before a restart under the same INSTANCE_ID), then all it has pending; and asks for theirs.
   */
  resync(): void {
    this.publish({ type: "gone", from: this.instanceId, owner: this.instanceId });
    this.publish({ type: "sync", from: this.instanceId });
    this.publishAllMine();
  }

  /** An instance is gone and its questions were taken over: whatever of it is still mirrored is dropped. */
  announceGone(owner: string): void {
    this.publish({ type: "gone", from: this.instanceId, owner });
    this.dropOwner(owner);
  }

  private publish(message: Message): void {
    void this.links.publish(QUESTIONS_CHANNEL, message).catch(() => {});
  }

  private publishAllMine(): void {
    for (const data of this.registry.listPending()) {
      const requesterId = this.registry.requesterOf(data.id);
      if (requesterId) this.publish({ type: "asked", from: this.instanceId, data, requesterId });
    }
  }

  private receive(received: unknown): void {
    const parsed = messageSchema.safeParse(received);
    // From a different version: ignored rather than guessed at.
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.from === this.instanceId) return;
    if (message.type === "sync") return this.publishAllMine();
    if (message.type === "gone") return this.dropOwner(message.owner);
    const { data, requesterId, from } = message;
    // Taken over here (this instance adopted it): the registry has it, the mirror must not show it twice.
    if (this.registry.get(data.id)) return;
    if (data.status === "pending") this.pending.set(data.id, { data, requesterId, owner: from });
    else {
      this.pending.delete(data.id);
      this.settled.set(data.id, data);
      for (const old of this.settled.keys()) {
        if (this.settled.size <= MAX_SETTLED) break;
        this.settled.delete(old);
      }
    }
    this.changed({ data, requesterId });
  }

  private dropOwner(owner: string): void {
    for (const question of [...this.pending.values()]) {
      if (question.owner !== owner) continue;
      this.pending.delete(question.data.id);
      this.changed({
        data: { ...question.data, status: "expired", note: "its instance stopped; nothing ran" },
        requesterId: question.requesterId,
      });
    }
  }

  /** Redis is away: what the mirror shows can no longer be answered from here, so it is dropped until `resync`. */
  private forgetAll(): void {
    for (const question of [...this.pending.values()]) {
      this.pending.delete(question.data.id);
      this.changed({
        data: { ...question.data, status: "cancelled", note: "coordination between instances is down" },
        requesterId: question.requesterId,
      });
    }
  }

  private changed(change: QuestionChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        console.error("[cluster] a mirror listener failed:", error);
      }
    }
  }
}
