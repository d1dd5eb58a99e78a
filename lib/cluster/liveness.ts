import "server-only";
import type { Adopted, QuestionStore } from "@/lib/db/question-store";
import type { QuestionMirror } from "./question-mirror";
import type { RedisLinks } from "./redis-links";

const aliveKey = (instanceId: string) => `elicit:alive:${instanceId}`;
const failoverKey = (instanceId: string) => `elicit:failover:${instanceId}`;

/** What a card of a dead instance's question says (it waited on a request that died with the instance). */
export const INSTANCE_GONE_NOTE = "the instance holding it stopped; nothing ran";

export interface LivenessTimings {
  /** How often this instance says it is alive, and looks for instances that are not. */
  beatMs: number;
  /** How long after its last beat an instance counts as dead. */
  ttlMs: number;
}

export const DEFAULT_LIVENESS: LivenessTimings = { beatMs: 1_000, ttlMs: 3_000 };

/**
 * Heartbeats, and what happens when one stops. Each instance refreshes a key that expires after `ttlMs`; each looks
 * at the owners of the pending questions it knows of (mirrored, and stored) and, for one whose key is gone, tries to
 * take it over. Exactly one instance wins (SET NX); it adopts the dead one's questions in one transaction: those
 * that waited on a live request are expired (their request died with the instance: nothing ran, and nothing can
 * run later), durable ones are shown and answered here from now on.
 */
export class Liveness {
  private timer?: ReturnType<typeof setInterval>;
  private busy = false;
  private readonly deps: {
    instanceId: string;
    links: RedisLinks;
    questions: QuestionStore;
    mirror: QuestionMirror;
    timings: LivenessTimings;
    onAdopted: (owner: string, adopted: Adopted) => Promise<void>;
  };

  constructor(deps: Liveness["deps"]) {
    this.deps = deps;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), this.deps.timings.beatMs);
    this.timer.unref?.();
    void this.tick();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async isAlive(instanceId: string): Promise<boolean> {
    if (instanceId === this.deps.instanceId) return true;
    // Unknown while Redis is away: assumed alive, so nothing is taken over on a guess.
    if (!this.deps.links.up) return true;
    return (await this.deps.links.commands.exists(aliveKey(instanceId)).catch(() => 1)) === 1;
  }

  private async tick(): Promise<void> {
    const { links, instanceId, timings, questions, mirror } = this.deps;
    if (!links.up || this.busy) return;
    this.busy = true;
    try {
      await links.commands.set(aliveKey(instanceId), String(Date.now()), "PX", timings.ttlMs);
      const owners = new Set([...mirror.owners(), ...(await questions.otherOwners())]);
      for (const owner of owners) {
        if (owner !== instanceId && !(await this.isAlive(owner))) await this.takeOver(owner);
      }
    } catch (error) {
      console.warn("[cluster] heartbeat:", error instanceof Error ? error.message : error);
    } finally {
      this.busy = false;
    }
  }

  private async takeOver(owner: string): Promise<void> {
    const { links, instanceId, questions, mirror, onAdopted } = this.deps;
    // One winner per dead instance; the key outlives the adoption, so a slow loser does not start it again.
    const won = await links.commands.set(failoverKey(owner), instanceId, "PX", 60_000, "NX");
    if (won !== "OK") return;
    const adopted = await questions.adopt(owner, INSTANCE_GONE_NOTE);
    await onAdopted(owner, adopted);
    mirror.announceGone(owner);
    console.warn(
      `[cluster] instance ${owner} stopped: ${adopted.expired.length} of its questions expired, ${adopted.durable.length} waiting ones taken over`,
    );
  }
}
