import "server-only";
import type { ConversationStore } from "@/lib/db/conversation-store";
import type { QuestionStore } from "@/lib/db/question-store";
import type { ClaimedAnswer, ResumableCalls, StoredResumableCall } from "@/lib/db/resumable-calls";
import { STATUS_BY_ACTION, type ElicitationOutcome } from "@/lib/elicitation/contract";
import type { ElicitationRegistry } from "@/lib/elicitation/registry";
import type { Settlement } from "@/lib/elicitation/settlement";
import type { DurableClaim } from "@/lib/review/review-desk";
import type { Conversations } from "./conversations";
import type { StreamStarter } from "./start-turn";
import type { ChatTurn, ChatTurns } from "./turns";

/** What a card says when its question waited longer than it may (the model is told nothing ran). */
export const DURABLE_EXPIRED_NOTE = "nobody answered in time; nothing ran";
const SWEEP_EVERY_MS = 60_000;

export interface ResumerDeps {
  calls: ResumableCalls;
  registry: ElicitationRegistry;
  questions: QuestionStore;
  conversationStore: ConversationStore;
  conversations: Conversations;
  turns: ChatTurns;
  /** Runs a turn to its end (lib/chat/start-turn.ts driveTurn), bound to the server state. */
  drive: (run: ChatTurn, start: StreamStarter) => Promise<void>;
  resumeStream: (resumeData: unknown, options: Parameters<StreamStarter>[0]) => ReturnType<StreamStarter>;
  /** Who claims: this process, in the claim's record. */
  claimant: string;
  /** A user's name, for routing rules that match the requester. */
  nameOf: (userId: string) => Promise<string | undefined>;
}

/**
 * Resumes turns whose tool call was suspended on a question (lib/mcp/resumable-tool.ts). The claim in storage is
 * the only way in: an answer claims first (the review desk calls `claim`), the expiry sweep claims a `cancel`, and
 * only the winner's answer reaches the server, once. After a restart, `restore` shows the waiting questions again
 * and resumes any whose claim was won but whose turn never finished (the server refuses a request state it has
 * already used, so a call that did reach it is not run again).
 */
export class Resumer {
  private readonly deps: ResumerDeps;
  private sweeper?: ReturnType<typeof setInterval>;

  constructor(deps: ResumerDeps) {
    this.deps = deps;
    deps.registry.observe((event) => {
      if (event.type === "settled" && event.data.durable && event.cause === "answered") void this.resume(event.data.id);
    });
  }

  /** The review desk's claim: undefined when this answer won, else how the winning one ended. */
  readonly claim: DurableClaim = async (pending, settlement: Settlement, by) => {
    const answer: ClaimedAnswer = { action: settlement.action, content: settlement.content, by, at: Date.now() };
    if (await this.deps.calls.claim(pending.id, answer, this.deps.claimant)) return undefined;
    const winner = (await this.deps.calls.get(pending.id))?.answer;
    return outcomeOf(pending.id, winner);
  };

  /** Shows the questions still waiting from before a restart, and resumes those answered but not finished. */
  async restore(): Promise<void> {
    const { calls, questions, registry } = this.deps;
    for (const call of await calls.inPhase("waiting")) {
      const stored = await questions.get(call.questionId);
      if (stored?.data.status !== "pending") {
        await calls.close(call.questionId);
        continue;
      }
      const { data, requesterId } = stored;
      registry.open({
        threadId: data.threadId,
        requesterId,
        // Routing rules may match the requester by name: the question is routed again exactly as when it was asked.
        requesterName: await this.deps.nameOf(requesterId),
        serverName: data.serverName,
        message: data.message,
        mode: data.mode,
        url: data.url,
        requestedSchema: data.requestedSchema,
        command: data.command,
        risk: data.risk,
        timeoutMs: data.expiresAt - data.createdAt,
        durable: { restored: { id: data.id, createdAt: data.createdAt, expiresAt: data.expiresAt } },
        onChange: () => {},
      });
    }
    for (const call of await calls.inPhase("claimed")) void this.resume(call.questionId);
    this.sweeper ??= setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.sweeper.unref?.();
  }

  /** Questions past their time: claimed with a cancel (so no late answer can win), shown expired, turn resumed. */
  async sweep(now = Date.now()): Promise<void> {
    const { calls, registry, questions } = this.deps;
    for (const call of await calls.inPhase("waiting")) {
      const data = registry.get(call.questionId) ?? (await questions.get(call.questionId))?.data;
      if (!data || data.expiresAt > now) continue;
      const won = await calls.claim(call.questionId, { action: "cancel", by: undefined, at: now }, this.deps.claimant);
      if (!won) continue;
      registry.end(call.questionId, "expired", DURABLE_EXPIRED_NOTE, "timeout");
      await this.resume(call.questionId);
    }
  }

  /** Continues the suspended turn of a claimed question in its conversation; its reply streams to whoever watches. */
  async resume(questionId: string): Promise<void> {
    const { calls, conversationStore, conversations, turns } = this.deps;
    const call = await calls.get(questionId);
    if (call?.phase !== "claimed") return;
    const conversation = await conversationStore.get(call.conversationId);
    if (!conversation || turns.get(call.runId)) return;
    const run = turns.open(call.conversationId, conversation.ownerId, undefined, call.runId);
    try {
      await conversations.follow({ id: call.conversationId, ownerId: conversation.ownerId }, [], run, { continues: `reply-${call.runId}` });
    } catch (error) {
      turns.close(run);
      console.error("[chat] could not resume a turn:", error);
      return;
    }
    void this.deps.drive(run, (options) => this.continueRun(call, options)).finally(() => turns.close(run));
  }

  private continueRun(call: StoredResumableCall, options: Parameters<StreamStarter>[0]) {
    return this.deps.resumeStream({ questionId: call.questionId }, { ...options, runId: call.runId, toolCallId: call.toolCallId });
  }

  stop(): void {
    clearInterval(this.sweeper);
  }
}

function outcomeOf(id: string, winner: ClaimedAnswer | undefined): ElicitationOutcome {
  const action = winner?.action ?? "cancel";
  return { id, status: STATUS_BY_ACTION[action], answeredAt: winner?.at ?? Date.now(), ...(winner?.by && { answeredBy: winner.by }) };
}
