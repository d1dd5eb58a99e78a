import "server-only";
import type { UIMessageChunk } from "ai";
import type { Principal } from "@/lib/auth/principal";
import type { ChatTurns } from "@/lib/chat/turns";
import type { ClusterSettings } from "@/lib/config";
import type { Adopted, QuestionStore } from "@/lib/db/question-store";
import type { ElicitationRegistry } from "@/lib/elicitation/registry";
import type { RemoteQuestions } from "@/lib/review/desk-contract";
import { InstanceRelay, type RelayHandlers } from "./instance-relay";
import { DEFAULT_LIVENESS, Liveness, type LivenessTimings } from "./liveness";
import { QuestionMirror } from "./question-mirror";
import { RedisLinks } from "./redis-links";
import { TurnRelay, type RemoteTurn } from "./turn-relay";

export type CoordinationStatus = "embedded" | "redis-up" | "redis-down";

/** What the composition root hands over once everything exists: how to answer and stop here, and adopt. */
export interface CoordinationHandlers extends RelayHandlers {
  /** Questions taken over from an instance that died (already expired or re-owned in storage). */
  adopted(owner: string, adopted: Adopted): Promise<void>;
}

/**
 * How this instance works with the others. Embedded (no REDIS_URL): there are none, and every method says so.
 * With Redis: other instances' questions (`remote`, for the review desk), their turns (followed and stopped from
 * here), heartbeats and failover.
 */
export interface Coordination {
  readonly instanceId: string;
  status(): CoordinationStatus;
  readonly remote?: RemoteQuestions;
  /** The turn this conversation runs on another instance. */
  runningIn(threadId: string): Promise<RemoteTurn | undefined>;
  /** Another instance's turn, replayed then live, if the reader may read its owner's turns. */
  follow(runId: string, mayRead: (ownerId: string) => boolean, signal: AbortSignal): Promise<ReadableStream<UIMessageChunk> | undefined>;
  /** Stop, for a turn running on another instance (only its owner's Stop counts there). */
  stop(runId: string, principal: Principal): Promise<void>;
  /** cancel_request, for an agent's request another instance holds (only its requester's counts there). */
  withdraw(id: string, requesterId: string): Promise<void>;
  /**
   * Whether this instance may decide a question it holds on a live request now: its heartbeat is current, so no
   * other instance is expiring it. Always true alone.
   */
  holds(): boolean;
  /** Starts heartbeats and answering for the others; resolves once Redis is reachable or after a short wait. */
  start(handlers: CoordinationHandlers): Promise<void>;
  close(): Promise<void>;
}

/** What a legacy card says when Redis goes away: it could be answered on another instance that can no longer reach it. */
export const COORDINATION_LOST_NOTE = "coordination between instances (Redis) was lost; nothing ran";
/** What such a card says when this instance missed its own heartbeat (the others may have expired it). */
export const INSTANCE_FENCED_NOTE = "this instance lost touch with the others; nothing ran";

export function createCoordination(
  settings: ClusterSettings,
  deps: { registry: ElicitationRegistry; turns: ChatTurns; questions: QuestionStore; timings?: LivenessTimings },
): Coordination {
  if (!settings.redisUrl) return embedded(settings.instanceId);
  const { instanceId } = settings;
  if (!settings.secret) throw new Error("several instances need a shared secret to sign their messages (BETTER_AUTH_SECRET)");
  const links = new RedisLinks(settings.redisUrl, settings.secret);
  const mirror = new QuestionMirror({ instanceId, links, registry: deps.registry });
  const relay = new InstanceRelay({ instanceId, links });
  let handlers: CoordinationHandlers | undefined;
  const liveness = new Liveness({
    instanceId,
    links,
    questions: deps.questions,
    mirror,
    timings: deps.timings ?? DEFAULT_LIVENESS,
    onAdopted: async (owner, adopted) => handlers?.adopted(owner, adopted),
    // Another instance may be expiring this one's questions that wait on a live request: they are cancelled here
    // too, so neither side runs what the other has given up.
    onFenced: () => cancelLive(deps.registry, INSTANCE_FENCED_NOTE),
  });
  const turns = new TurnRelay({ instanceId, links, turns: deps.turns, isAlive: (id) => liveness.isAlive(id) });
  failClosedWhileDown(links, deps.registry);
  // The pending limits count every instance's questions: a limit is the app's, not each instance's.
  deps.registry.countElsewhere((threadId) => ({ thread: mirror.count(threadId), total: mirror.count() }));
  const remote: RemoteQuestions = {
    list: (threadId) => mirror.list(threadId),
    get: (id) => mirror.get(id),
    settledData: (id) => mirror.settledData(id),
    onChange: (listener) => mirror.onChange(listener),
    whenKnown: (id, ms) => mirror.whenKnown(id, ms),
    answer: async (id, answer, principal) => {
      const owner = mirror.get(id)?.owner;
      if (!owner) return { kind: "not_found", expired: false };
      return relay.answer(owner, id, answer, principal);
    },
  };
  return {
    instanceId,
    status: () => (links.up ? "redis-up" : "redis-down"),
    remote,
    runningIn: (threadId) => turns.runningIn(threadId),
    follow: (runId, mayRead, signal) => turns.follow(runId, mayRead, signal),
    stop: async (runId, principal) => {
      const turn = await turns.turn(runId);
      if (turn) await relay.stop(turn.owner, runId, principal.id);
    },
    withdraw: async (id, requesterId) => {
      const owner = mirror.get(id)?.owner;
      if (owner) await relay.withdraw(owner, id, requesterId);
    },
    holds: () => liveness.holds(),
    start: async (given) => {
      handlers = given;
      relay.handle(given);
      await links.ready();
      await liveness.start();
      mirror.resync();
    },
    close: async () => {
      liveness.stop();
      await links.close();
    },
  };
}

/**
 * While Redis is away an answer given on another instance cannot reach a question that waits on a live request
 * here: such questions are cancelled (their tool gets no yes), and new ones are cancelled as they are asked.
 * Durable ones wait on: they are in storage, and their answer goes through the storage claim. So do agents' kept
 * requests (lib/experts): nothing waits on them but their agent, an answer elsewhere gets 503 meanwhile, and nobody
 * takes over an instance while Redis is away.
 */
function failClosedWhileDown(links: RedisLinks, registry: ElicitationRegistry): void {
  links.onChange((up) => {
    if (!up) cancelLive(registry, COORDINATION_LOST_NOTE, { spareKept: true });
  });
  registry.observe((event) => {
    if (event.type === "asked" && !event.data.durable && !event.data.kept && !links.up) {
      queueMicrotask(() => registry.end(event.data.id, "cancelled", COORDINATION_LOST_NOTE, "aborted"));
    }
  });
}

/**
 * Cancels every question held here on a live request (durable ones wait on in storage). Kept ones too unless
 * spared: an instance that missed its heartbeat may see them taken over by another.
 */
function cancelLive(registry: ElicitationRegistry, note: string, { spareKept = false } = {}): void {
  for (const data of registry.listPending()) {
    if (!data.durable && !(spareKept && data.kept)) registry.end(data.id, "cancelled", note, "aborted");
  }
}

function embedded(instanceId: string): Coordination {
  return {
    instanceId,
    status: () => "embedded",
    holds: () => true,
    runningIn: async () => undefined,
    follow: async () => undefined,
    stop: async () => {},
    withdraw: async () => {},
    start: async () => {},
    close: async () => {},
  };
}
