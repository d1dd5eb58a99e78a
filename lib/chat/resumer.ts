import "server-only";
import type { ConversationStore } from "@/lib/db/conversation-store";
import type { QuestionStore, StoredQuestion } from "@/lib/db/question-store";
import type { ClaimedAnswer, ResumableCalls, StoredResumableCall } from "@/lib/db/resumable-calls";
import { STATUS_BY_ACTION, type ElicitationOutcome } from "@/lib/elicitation/contract";
import type { ElicitationRegistry } from "@/lib/elicitation/registry";
import type { Settlement } from "@/lib/elicitation/settlement";
import type { DurableClaim } from "@/lib/review/desk-contract";
import type { Conversations } from "./conversations";
import type { StreamStarter } from "./drive-turn";
import { UNWATCHED_REASON, type ChatTurn, type ChatTurns } from "./turns";
import { turnEndNote } from "@/lib/mcp/abort-notes";

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
  /**
   * How long a claim's resume may take (the longest command, and then some) before another start or sweep takes it
   * over: the process that claimed it died before the call returned.
   */
  leaseMs: number;
  /** A user's name, for routing rules that match the requester. */
  nameOf: (userId: string) => Promise<string | undefined>;
  /** This instance, with several (INSTANCE_ID): it shows, expires and takes over only its own questions. */
  owner?: string;
  /**
   * Whether a claim whose turn never finished is resumed again after its lease. Only where the shell server's record
   * of used approvals is known to outlive the process (beside the SQLite file); on Postgres it may not (a container's
   * local folder), and a retry it cannot refuse could run a command twice: such a claim is left as it is.
   */
  retriesStaleClaims?: boolean;
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
  private readonly expiries = new Map<string, ReturnType<typeof setTimeout>>();
  /** Resumes being started, by question: an answer's response waits for its turn to be open (see `opened`). */
  private readonly starting = new Map<string, Promise<void>>();

  constructor(deps: ResumerDeps) {
    this.deps = deps;
    deps.registry.observe((event) => {
      if (!event.data.durable) return;
      if (event.type === "asked") this.expireLater(event.data.id, event.data.expiresAt);
      if (event.type === "settled") {
        clearTimeout(this.expiries.get(event.data.id));
        this.expiries.delete(event.data.id);
        if (event.cause === "answered") this.track(event.data.id, this.resume(event.data.id));
      }
    });
  }

  /** The review desk's claim: undefined when this answer won, else how the winning one ended. */
  readonly claim: DurableClaim = async (pending, settlement: Settlement, by) => {
    const answer: ClaimedAnswer = { action: settlement.action, content: settlement.content, by, at: Date.now() };
    if (await this.deps.calls.claim(pending.id, answer, this.deps.claimant)) return undefined;
    const winner = (await this.deps.calls.get(pending.id))?.answer;
    return outcomeOf(pending.id, winner);
  };

  /**
   * Resolves once the turn an answer resumes is open (or there is none), so the person's page, asking right after
   * its answer went through, finds the turn to follow.
   */
  async opened(questionId: string): Promise<void> {
    await this.starting.get(questionId);
  }

  private track(questionId: string, started: Promise<void>): void {
    this.starting.set(questionId, started);
    void started.finally(() => this.starting.delete(questionId));
  }

  /** Shows the questions still waiting from before a restart, and resumes those answered but not finished. */
  async restore(): Promise<void> {
    const { calls, questions } = this.deps;
    for (const call of await calls.inPhase("waiting")) {
      const stored = await questions.get(call.questionId);
      if (stored?.data.status !== "pending") {
        await calls.close(call.questionId);
        continue;
      }
      if (this.isMine(stored)) await this.show(stored);
    }
    await this.takeOverStaleClaims();
    this.sweeper ??= setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.sweeper.unref?.();
  }

  /** Durable questions taken over from an instance that died (QuestionStore.adopt): they wait on here. */
  async adopt(adopted: StoredQuestion[]): Promise<void> {
    for (const stored of adopted) await this.show(stored);
  }

  /** Shows a stored durable question again, answerable: routed again exactly as when it was asked. */
  private async show({ data, requesterId }: StoredQuestion): Promise<void> {
    this.deps.registry.open({
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
      durable: { fixed: { id: data.id, createdAt: data.createdAt, expiresAt: data.expiresAt }, restored: true },
      onChange: () => {},
    });
  }

  /** Rows from before there could be several instances have no owner: they are the one process's. */
  private isMine(stored: StoredQuestion | undefined): boolean {
    return stored !== undefined && (stored.owner === undefined || stored.owner === this.deps.owner);
  }

  /** Questions past their time (a timer may not have fired: the process slept, or it was set days ago). */
  async sweep(now = Date.now()): Promise<void> {
    await this.takeOverStaleClaims(now);
    const { calls, registry, questions } = this.deps;
    for (const call of await calls.inPhase("waiting")) {
      const local = registry.get(call.questionId);
      const stored = local ? undefined : await questions.get(call.questionId);
      // Another instance's question is its own to expire: it holds the card.
      if (!local && !this.isMine(stored)) continue;
      const data = local ?? stored?.data;
      if (data && data.expiresAt <= now) await this.expire(call.questionId);
    }
  }

  /**
   * Claims whose turn never finished (the process died after the claim): resumed again once their lease has run out,
   * so a resume still under way elsewhere is not doubled. The server accepts each request state once, so a retry that
   * had already reached it is refused rather than run twice.
   */
  private async takeOverStaleClaims(now = Date.now()): Promise<void> {
    if (this.deps.retriesStaleClaims === false) return;
    for (const call of await this.deps.calls.inPhase("claimed")) {
      const stale = (call.claimedAt ?? 0) <= now - this.deps.leaseMs;
      if (!stale || this.deps.turns.get(call.runId)) continue;
      // Only this instance's: another instance's shell server keeps its own record of used approvals, so a retry
      // from here could not be refused if that one had already run it. Left claimed, it never runs twice.
      if (this.isMine(await this.deps.questions.get(call.questionId))) void this.resume(call.questionId);
    }
  }

  private expireLater(id: string, expiresAt: number): void {
    // setTimeout holds at most about 24 days; the sweep covers anything longer.
    const timer = setTimeout(() => void this.expire(id), Math.min(Math.max(0, expiresAt - Date.now()), 2 ** 31 - 1));
    timer.unref?.();
    this.expiries.set(id, timer);
  }

  /** Claimed with a cancel (so no late answer can win), shown expired, and its turn resumed: the model hears it. */
  private async expire(id: string): Promise<void> {
    this.expiries.delete(id);
    const won = await this.deps.calls.claim(id, { action: "cancel", at: Date.now() }, this.deps.claimant);
    if (!won) return;
    this.deps.registry.end(id, "expired", DURABLE_EXPIRED_NOTE, "timeout");
    await this.resume(id);
  }

  /**
   * A turn whose agent run ended suspended on durable questions stays open while someone watches it (its stream
   * goes on when the answer comes, as if it had waited); when nobody does, it ends and the questions wait on in
   * storage. Stopped by the person: its questions are cancelled, nothing they guard runs.
   */
  parkOrClose(run: ChatTurn): void {
    const { turns } = this.deps;
    if (run.suspendedOn.size === 0) return turns.close(run);
    const end = () => {
      const reason: unknown = run.signal.reason;
      const unwatched = reason instanceof Error && reason.message === UNWATCHED_REASON;
      if (!unwatched) for (const id of run.suspendedOn) void this.cancel(id, turnEndNote(reason));
      if (turns.get(run.id) === run && run.suspendedOn.size > 0) turns.close(run);
    };
    if (run.signal.aborted) end();
    else run.signal.addEventListener("abort", end, { once: true });
  }

  /** Ends a waiting durable question without a yes (its claim taken by a cancel), so nothing it guards runs. */
  async cancel(questionId: string, note: string): Promise<void> {
    const won = await this.deps.calls.claim(questionId, { action: "cancel", at: Date.now() }, this.deps.claimant);
    if (!won) return;
    this.deps.registry.end(questionId, "cancelled", note, "aborted");
    await this.deps.calls.finish(questionId);
  }

  /** Continues the suspended turn of a claimed question in its conversation; its reply streams to whoever watches. */
  async resume(questionId: string): Promise<void> {
    const { calls, conversationStore, conversations, turns } = this.deps;
    const call = await calls.get(questionId);
    // Settled without a claim (its conversation was deleted): nothing will resume it.
    if (call?.phase === "waiting") return calls.close(questionId);
    if (call?.phase !== "claimed") return;
    const open = turns.get(call.runId);
    // An answer can arrive before the agent run has finished suspending: continue it only once it has.
    await open?.driving;
    const parked = turns.get(call.runId);
    if (parked) {
      // Still open (someone watches): the rest of the turn goes on in the same stream.
      parked.suspendedOn.delete(questionId);
      if (parked.suspendedOn.size > 0) return;
      return this.drive(parked, call);
    }
    const conversation = await conversationStore.get(call.conversationId);
    if (!conversation) return;
    // The reply the run suspended in: the stored message holding its tool call.
    const reply = conversation.messages.findLast((message) => JSON.stringify(message.parts).includes(`"toolCallId":"${call.toolCallId}"`));
    const run = turns.open(call.conversationId, conversation.ownerId, undefined, call.runId);
    run.replyId = reply?.id;
    try {
      await conversations.follow({ id: call.conversationId, ownerId: conversation.ownerId }, [], run, { continues: reply?.id });
    } catch (error) {
      turns.close(run);
      console.error("[chat] could not resume a turn:", error);
      return;
    }
    this.drive(run, call);
  }

  private drive(run: ChatTurn, call: StoredResumableCall): void {
    run.driving = this.deps.drive(run, (options) => this.continueRun(call, options));
    void run.driving.finally(() => this.parkOrClose(run));
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
