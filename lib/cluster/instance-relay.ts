import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { apiErrorCodeSchema } from "@/lib/api-contract";
import type { Principal } from "@/lib/auth/principal";
import { roleSchema } from "@/lib/auth/roles";
import { elicitationAnswerSchema, type ElicitationAnswer } from "@/lib/elicitation/contract";
import { ApiError } from "@/lib/errors";
import type { DeskAnswer } from "@/lib/review/desk-contract";
import type { RedisLinks } from "./redis-links";

const channelOf = (instanceId: string) => `elicit:instance:${instanceId}`;

const principalSchema = z.object({ id: z.string(), name: z.string(), role: roleSchema });

const messageSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("answer"),
    from: z.string(),
    requestId: z.string(),
    id: z.string(),
    answer: elicitationAnswerSchema,
    principal: principalSchema,
  }),
  z.object({ type: z.literal("stop"), from: z.string(), runId: z.string(), ownerId: z.string() }),
  z.object({ type: z.literal("withdraw"), from: z.string(), id: z.string(), requesterId: z.string() }),
  z.object({ type: z.literal("reply"), requestId: z.string(), result: z.unknown() }),
]);
type Message = z.infer<typeof messageSchema>;

/** An answer's result as it crosses: the desk's, or the error it threw (a 422 for content that does not fit). */
export type RelayedResult = DeskAnswer | { kind: "error"; code: z.infer<typeof apiErrorCodeSchema>; message: string; details?: unknown };

export interface RelayHandlers {
  /** Answers a question this instance holds, exactly as its own answer route would (and waits for the commit). */
  answer(id: string, answer: ElicitationAnswer, principal: Principal): Promise<RelayedResult>;
  /** Stops a turn running here, if `ownerId` started it. */
  stop(runId: string, ownerId: string): void;
  /** Withdraws an agent's request held here (cancel_request), if `requesterId` asked it. */
  withdraw(id: string, requesterId: string): void;
}

/**
 * How long an answer waits for the instance holding its question (which replies once the answer is on disk, so
 * under load it can take seconds); past it the desk answers from storage, or 503.
 */
const REPLY_TIMEOUT_MS = 10_000;

/**
 * Sends to one instance: an answer to a question it holds (request and reply), or Stop for a turn it runs. Pub/sub,
 * not a stream: the sender waits for the reply and says 503 if none comes, so a lost message is never a lost answer
 * (the person tries again; the holder's registry still decides first-answer-wins, so nothing runs twice).
 */
export class InstanceRelay {
  private readonly waiting = new Map<string, (result: RelayedResult) => void>();
  private readonly instanceId: string;
  private readonly links: RedisLinks;
  private handlers?: RelayHandlers;

  constructor(deps: { instanceId: string; links: RedisLinks }) {
    this.instanceId = deps.instanceId;
    this.links = deps.links;
    this.links.listen(channelOf(this.instanceId), (message) => {
      this.receive(message).catch((error: unknown) => console.error("[cluster] a relayed message failed:", error));
    });
  }

  /** Set once the review desk and the turns exist (the composition root builds them after this). */
  handle(handlers: RelayHandlers): void {
    this.handlers = handlers;
  }

  async answer(owner: string, id: string, answer: ElicitationAnswer, principal: Principal): Promise<DeskAnswer> {
    const requestId = randomUUID();
    const replied = new Promise<RelayedResult | undefined>((resolve) => {
      const timer = setTimeout(() => (this.waiting.delete(requestId), resolve(undefined)), REPLY_TIMEOUT_MS);
      this.waiting.set(requestId, (result) => (clearTimeout(timer), this.waiting.delete(requestId), resolve(result)));
    });
    const { id: pid, name, role } = principal;
    await this.send(owner, { type: "answer", from: this.instanceId, requestId, id, answer, principal: { id: pid, name, role } });
    const result = await replied;
    // No reply in time (the holder is loaded, or gone): the desk says what storage knows, or 503.
    if (!result) return { kind: "unavailable" };
    if (result.kind === "error") throw new ApiError(result.code, result.message, { details: result.details });
    return result;
  }

  /** Throws 503 when Redis is away: the person learns that Stop did not reach the turn. */
  async stop(owner: string, runId: string, ownerId: string): Promise<void> {
    await this.send(owner, { type: "stop", from: this.instanceId, runId, ownerId });
  }

  /** Throws 503 when Redis is away: the agent learns that its cancel did not reach the question. */
  async withdraw(owner: string, id: string, requesterId: string): Promise<void> {
    await this.send(owner, { type: "withdraw", from: this.instanceId, id, requesterId });
  }

  private async send(to: string, message: Message): Promise<void> {
    const sent = await this.links.publish(channelOf(to), message).catch(() => false);
    if (!sent) throw new ApiError("unavailable", "Coordination between instances (Redis) is down; try again shortly.");
  }

  private async receive(received: unknown): Promise<void> {
    const parsed = messageSchema.safeParse(received);
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.type === "reply") return this.waiting.get(message.requestId)?.(message.result as RelayedResult);
    if (!this.handlers) return;
    if (message.type === "stop") return this.handlers.stop(message.runId, message.ownerId);
    if (message.type === "withdraw") return void this.handlers.withdraw(message.id, message.requesterId);
    const result = await this.handlers.answer(message.id, message.answer, message.principal).catch(errorResult);
    await this.send(message.from, { type: "reply", requestId: message.requestId, result }).catch(() => {});
  }
}

/** An error thrown while answering, as it crosses to the instance whose route reports it. */
export function errorResult(error: unknown): RelayedResult {
  if (error instanceof Error && error.name === "ApiError") {
    const { code, details } = error as Error & { code?: unknown; details?: unknown };
    const parsed = apiErrorCodeSchema.safeParse(code);
    if (parsed.success) return { kind: "error", code: parsed.data, message: error.message, details };
  }
  console.error("[cluster] answering for another instance failed:", error);
  return { kind: "error", code: "internal", message: "Something went wrong on the server." };
}
