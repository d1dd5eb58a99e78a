import "server-only";
import { randomUUID } from "node:crypto";
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

interface LivenessDeps {
  instanceId: string;
  links: RedisLinks;
  questions: QuestionStore;
  mirror: QuestionMirror;
  timings: LivenessTimings;
  onAdopted: (owner: string, adopted: Adopted) => Promise<void>;
  /** This instance missed its own beats: the others may have taken its questions over (see `holds`). */
  onFenced: () => void;
}

/**
 * Heartbeats, and what happens when one stops. Each instance refreshes a key that expires after `ttlMs` (on a
 * timer of its own, so a slow database never delays it); another timer looks at the owners of the pending questions
 * it knows of (mirrored, and stored) and, for one whose key is gone, tries to take it over. Exactly one instance wins
 * (SET NX); it adopts the dead one's questions in one transaction: those that waited on a live request are expired
 * (their request died with the instance: nothing ran, and nothing can run later), durable ones are shown and
 * answered here from now on.
 *
 * Nobody is judged dead on a guess: not while Redis is away, and not until `2 × ttlMs` after it came back (Redis
 * keeps nothing across its own restart, so every key is missing until each instance has beaten again). An instance
 * whose own key ran out stops deciding the questions it holds on a live request (`holds`), since another may be
 * expiring them at that moment.
 */
export class Liveness {
  private beater?: ReturnType<typeof setInterval>;
  private scanner?: ReturnType<typeof setInterval>;
  private scanning = false;
  private readonly nonce = randomUUID();
  private lastBeatAt = 0;
  private upSince = 0;
  private readonly deps: LivenessDeps;

  constructor(deps: LivenessDeps) {
    this.deps = deps;
    deps.links.onChange((up) => {
      this.upSince = up ? Date.now() : 0;
      // Down: what this instance held on a live request was cancelled then (coordination.ts), so the first beat
      // after Redis comes back (which finds the key gone with Redis's restart) has nothing to fence.
      if (!up) this.lastBeatAt = 0;
      else void this.beat();
    });
  }

  /** Starts beating, once any earlier process under the same INSTANCE_ID is gone (a restart within its ttl). */
  async start(): Promise<void> {
    const { links, instanceId, timings } = this.deps;
    const deadline = Date.now() + 2 * timings.ttlMs;
    while (links.up && Date.now() < deadline) {
      const taken = await links.commands.set(aliveKey(instanceId), this.nonce, "PX", timings.ttlMs, "NX").catch(() => null);
      if (taken === "OK") break;
      await new Promise((resolve) => setTimeout(resolve, timings.beatMs / 4));
    }
    if (links.up && Date.now() >= deadline) {
      console.error(`[cluster] INSTANCE_ID ${instanceId} is in use by another running process: give each instance its own`);
    }
    if (links.up) this.lastBeatAt = Date.now();
    this.beater ??= setInterval(() => void this.beat(), timings.beatMs);
    this.scanner ??= setInterval(() => void this.scan(), timings.beatMs);
    this.beater.unref?.();
    this.scanner.unref?.();
  }

  stop(): void {
    clearInterval(this.beater);
    clearInterval(this.scanner);
    this.beater = this.scanner = undefined;
  }

  /** Whether this instance's own beat is current: only then may it decide a question that waits on a live request. */
  holds(): boolean {
    return this.deps.links.up && Date.now() - this.lastBeatAt < this.deps.timings.ttlMs - this.deps.timings.beatMs / 2;
  }

  async isAlive(instanceId: string): Promise<boolean> {
    if (instanceId === this.deps.instanceId) return true;
    // Unknown while Redis is away: assumed alive, so nothing is taken over on a guess.
    if (!this.deps.links.up) return true;
    return (await this.deps.links.commands.exists(aliveKey(instanceId)).catch(() => 1)) === 1;
  }

  private async beat(): Promise<void> {
    const { links, instanceId, timings } = this.deps;
    if (!links.up) return;
    const before = await links.commands.set(aliveKey(instanceId), this.nonce, "PX", timings.ttlMs, "GET").catch(() => undefined);
    if (before === undefined) return;
    if (before !== null && before !== this.nonce) {
      console.error(`[cluster] INSTANCE_ID ${instanceId} is in use by another running process: give each instance its own`);
    }
    // The key had run out since the last beat: another instance may be taking this one's questions over.
    if (before === null && this.lastBeatAt > 0) this.deps.onFenced();
    this.lastBeatAt = Date.now();
  }

  private async scan(): Promise<void> {
    const { links, instanceId, timings, questions, mirror } = this.deps;
    if (!links.up || this.scanning || Date.now() - this.upSince < 2 * timings.ttlMs) return;
    this.scanning = true;
    try {
      const owners = new Set([...mirror.owners(), ...(await questions.otherOwners())]);
      for (const owner of owners) {
        if (owner !== instanceId && !(await this.isAlive(owner))) await this.takeOver(owner);
      }
    } catch (error) {
      console.warn("[cluster] looking for stopped instances:", error instanceof Error ? error.message : error);
    } finally {
      this.scanning = false;
    }
  }

  private async takeOver(owner: string): Promise<void> {
    const { links, instanceId, questions, mirror, onAdopted } = this.deps;
    // One winner at a time per dead instance. Released when done: that id may be used again by a new process,
    // which may die in its turn.
    const won = await links.commands.set(failoverKey(owner), instanceId, "PX", 30_000, "NX");
    if (won !== "OK") return;
    try {
      const adopted = await questions.adopt(owner, INSTANCE_GONE_NOTE);
      await onAdopted(owner, adopted);
      mirror.announceGone(owner);
      console.warn(
        `[cluster] instance ${owner} stopped: ${adopted.expired.length} of its questions expired, ${adopted.durable.length + adopted.kept.length} waiting ones taken over`,
      );
    } finally {
      await links.commands.del(failoverKey(owner)).catch(() => {});
    }
  }
}
