/**
 * Pending elicitations: each is a promise an MCP elicitation handler (or the tool-call gate) awaits while a person
 * decides. It settles exactly once: by an answer, by the timeout (cancel, shown as expired) or by its signal
 * (cancel, with the reason on the card). Whatever comes later is refused, so nothing is forwarded twice.
 */
import "server-only";
import { randomUUID } from "node:crypto";
import {
  STATUS_BY_ACTION,
  type Approved,
  type CallResult,
  type ElicitationAnswer,
  type ElicitationContent,
  type ElicitationData,
  type ElicitationOutcome,
  type ElicitationStatus,
  type RequestedSchema,
  type Submission,
  type ToolCallRequest,
} from "./contract";
import { approvedOf, settlementOf, withoutRemember, type Settlement } from "./settlement";

export interface OpenElicitation {
  threadId: string;
  /** Who started the conversation's turn (a user id; `local` in single-user mode). */
  requesterId?: string;
  /** Their name ("alice"), for routing rules that match on the requester. */
  requesterName?: string;
  serverName: string;
  message: string;
  /** Defaults to a form; a URL request has no fields. */
  mode?: "form" | "url";
  url?: string;
  requestedSchema: RequestedSchema;
  command?: string;
  risk?: string;
  /** The expertise it needs (asked through /api/mcp): routing rules match on it. */
  specialty?: string;
  /** Set for the tool-call gate's cards (kind "tool-call"). */
  toolCall?: ToolCallRequest;
  /** Content to approve, edit or reject (request_review through /api/mcp). */
  submission?: Submission;
  timeoutMs: number;
  /** The turn's signal (and the MCP request's): when it aborts, the request is cancelled. */
  signal?: AbortSignal;
  /** Says why the signal aborted, for the card's note; by default "the chat request was closed". */
  abortNote?: () => string;
  /** Called with the card's data when it opens, when it settles, and when a result is reported. */
  onChange: (data: ElicitationData) => void;
  /**
   * A question whose tool call is suspended in storage: nothing holds it open, so no timer or signal settles it
   * here. Only an answer (after its claim, see lib/chat/resumer.ts) or `end()` does. `fixed`: its id and times,
   * chosen by the caller (stored before it is shown); `restored`: asked before a restart and shown again.
   */
  durable?: { fixed?: Pick<ElicitationData, "id" | "createdAt" | "expiresAt">; restored?: boolean };
  /**
   * A question whose asker keeps it in its own storage (lib/experts) and shows it again after a restart: `reopen`
   * holds its id and times as first asked. It waits on its timer like any live question.
   */
  kept?: { reopen?: Pick<ElicitationData, "id" | "createdAt" | "expiresAt"> };
  /** The API key that asked (requests through /api/mcp): on the audit trail's entry, not on the card. */
  apiKey?: { id: string; name?: string };
}

export type { Settlement } from "./settlement";

export type AnswerResult =
  | { kind: "answered"; outcome: ElicitationOutcome }
  | { kind: "not_found"; expired: boolean }
  | { kind: "conflict"; outcome: ElicitationOutcome };

/** What observers (the question store, the audit trail) hear: every change of every question, in order. */
export type QuestionEvent =
  /** `restored`: asked before a restart and shown again (durable); announced and audited when first asked. */
  | { type: "asked"; data: ElicitationData; requesterId: string; restored?: boolean; apiKey?: { id: string; name?: string } }
  | { type: "settled"; data: ElicitationData; requesterId: string; cause: SettleCause; by?: string; content?: ElicitationContent }
  | { type: "reported"; data: ElicitationData; requesterId: string }
  /** A pending question's card changed without settling (its review: an approval, an escalation). */
  | { type: "updated"; data: ElicitationData; requesterId: string };

/** Why a question settled: a person answered, nobody did in time, its turn or server went away, or too many waited. */
export type SettleCause = "answered" | "timeout" | "aborted" | "rate-limited";

interface SettleDetails {
  cause: SettleCause;
  note?: string;
  approved?: Approved;
  by?: string;
}

export const LOCAL_USER_ID = "local";

interface Entry {
  data: ElicitationData;
  requesterId: string;
  onChange: (data: ElicitationData) => void;
  resolve: (settlement: Settlement) => void;
  dispose: () => void;
}

export interface PendingLimits {
  /** Questions one conversation may have waiting at once (all servers together). */
  perConversation: number;
  /** Questions waiting in the whole app at once. */
  total: number;
}

const RETAIN_SETTLED_MS = 15 * 60_000;
const MAX_SETTLED = 10_000;
export const DEFAULT_PENDING_LIMITS: PendingLimits = { perConversation: 20, total: 200 };

export class ElicitationRegistry {
  private readonly pending = new Map<string, Entry>();
  private readonly settled = new Map<string, ElicitationOutcome>();
  private readonly pendingByThread = new Map<string, number>();
  private readonly observers = new Set<(event: QuestionEvent) => void>();
  private router?: (data: ElicitationData, requester: { id: string; name?: string }) => ElicitationData["review"];
  private elsewhere: (threadId: string) => { thread: number; total: number } = () => ({ thread: 0, total: 0 });
  /** Beyond either limit a new question is cancelled at once, with a note (the spec's rate limit SHOULD). */
  limits: PendingLimits;

  /** A number is the per-conversation limit (how it was configured before there was a total). */
  constructor(limits: number | Partial<PendingLimits> = {}) {
    const given = typeof limits === "number" ? { perConversation: limits } : limits;
    const perConversation = given.perConversation ?? DEFAULT_PENDING_LIMITS.perConversation;
    // The total is never below one conversation's share.
    this.limits = { perConversation, total: Math.max(given.total ?? DEFAULT_PENDING_LIMITS.total, perConversation) };
  }

  /**
   * Decides each new question's review (who may answer it) before anyone sees it, so the first card, the "asked"
   * event and the stored question already carry it. A router that throws cancels the question: never unrouted.
   */
  routeWith(router: (data: ElicitationData, requester: { id: string; name?: string }) => ElicitationData["review"]): void {
    this.router = router;
  }

  /** With several instances: how many questions wait on the others, counted against the same limits. */
  countElsewhere(count: (threadId: string) => { thread: number; total: number }): void {
    this.elsewhere = count;
  }

  /** Hears every question event from now on; returns the way to stop. */
  observe(observer: (event: QuestionEvent) => void): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  private emit(event: QuestionEvent): void {
    for (const observer of this.observers) {
      try {
        observer(event);
      } catch (error) {
        console.error("[elicitation] an observer failed:", error);
      }
    }
  }

  open(request: OpenElicitation): { data: ElicitationData; settled: Promise<Settlement>; report: (result: CallResult) => void } {
    const now = Date.now();
    const fixed = request.durable?.fixed ?? request.kept?.reopen;
    const restored = request.durable?.restored === true || request.kept?.reopen !== undefined;
    const data: ElicitationData = {
      id: fixed?.id ?? randomUUID(),
      kind: request.toolCall ? "tool-call" : "question",
      mode: request.mode ?? "form",
      url: request.url,
      threadId: request.threadId,
      serverName: request.serverName,
      message: request.message,
      requestedSchema: request.requestedSchema,
      command: request.command,
      risk: request.risk,
      ...(request.specialty !== undefined && { specialty: request.specialty }),
      ...(request.submission && { submission: request.submission }),
      toolCall: request.toolCall,
      status: "pending",
      createdAt: fixed?.createdAt ?? now,
      expiresAt: fixed?.expiresAt ?? now + request.timeoutMs,
      ...(request.durable && { durable: true }),
      ...(request.kept && { kept: true }),
    };
    let resolve!: (settlement: Settlement) => void;
    const settled = new Promise<Settlement>((r) => (resolve = r));

    const timer = request.durable
      ? undefined
      : setTimeout(
          () => this.settle(data.id, "expired", { action: "cancel" }, { note: "nobody answered in time", cause: "timeout" }),
          request.timeoutMs,
        );
    const onAbort = () =>
      this.settle(
        data.id,
        "cancelled",
        { action: "cancel" },
        { note: request.abortNote?.() ?? "the chat request was closed", cause: "aborted" },
      );
    const dispose = () => {
      clearTimeout(timer);
      request.signal?.removeEventListener("abort", onAbort);
    };
    const here = this.pendingByThread.get(request.threadId) ?? 0;
    this.pendingByThread.set(request.threadId, here + 1);
    const elsewhere = this.elsewhere(request.threadId);
    const fromThread = here + elsewhere.thread;
    const total = this.pending.size + elsewhere.total;
    const requesterId = request.requesterId ?? LOCAL_USER_ID;
    let unroutable = false;
    try {
      const review = this.router?.(data, { id: requesterId, name: request.requesterName });
      if (review) Object.assign(data, withoutRemember(data), { review });
    } catch (error) {
      console.error("[elicitation] could not route a question:", error);
      unroutable = true;
    }
    const entry: Entry = { data, requesterId, onChange: request.onChange, resolve, dispose };
    this.pending.set(data.id, entry);
    this.emit({ type: "asked", data, requesterId, ...(restored && { restored: true }), ...(request.apiKey && { apiKey: request.apiKey }) });
    notify(request.onChange, data);

    if (unroutable) {
      this.settle(data.id, "cancelled", { action: "cancel" }, { note: "it could not be routed to a reviewer", cause: "aborted" });
    } else if (restored) {
      // Asked and counted before (a restart, or taken over from an instance that stopped): it waits on, whatever
      // the count now. Cancelling it would end a question nobody answered.
    } else if (fromThread >= this.limits.perConversation) {
      this.settle(
        data.id,
        "cancelled",
        { action: "cancel" },
        { note: `this conversation already has ${fromThread} questions waiting`, cause: "rate-limited" },
      );
    } else if (total >= this.limits.total) {
      this.settle(
        data.id,
        "cancelled",
        { action: "cancel" },
        { note: `${total} questions are already waiting in this app`, cause: "rate-limited" },
      );
    } else if (request.signal?.aborted) onAbort();
    else request.signal?.addEventListener("abort", onAbort, { once: true });

    // What became of an accepted call: shown on the card, and kept with the outcome for tabs that ask later.
    const report = (result: CallResult) => {
      const { requesterId } = entry;
      if (entry.data.status !== "accepted") return;
      const outcome = this.settled.get(data.id);
      if (outcome) this.settled.set(data.id, { ...outcome, result });
      entry.data = { ...entry.data, result };
      this.emit({ type: "reported", data: entry.data, requesterId });
      notify(entry.onChange, entry.data);
    };
    return { data, settled, report };
  }

  /** A person's answer (`by`: who, as shown on the card). Only the first settlement of an id counts. */
  answer(id: string, answer: ElicitationAnswer, by?: string): AnswerResult {
    const entry = this.pending.get(id);
    if (entry) {
      const settlement = settlementOf(entry.data, answer);
      const outcome = this.settle(id, STATUS_BY_ACTION[answer.action], settlement, {
        approved: approvedOf(entry.data, settlement),
        by,
        // Why it was declined, when the person said: on the card and the trail.
        ...(settlement.reason && { note: settlement.reason }),
        cause: "answered",
      });
      if (outcome) return { kind: "answered", outcome };
    }
    const outcome = this.settledOutcome(id);
    if (!outcome) return { kind: "not_found", expired: false };
    return outcome.status === "expired" ? { kind: "not_found", expired: true } : { kind: "conflict", outcome };
  }

  /** Ends a pending question without an answer (a durable one expired or was cancelled, after its claim). */
  end(id: string, status: "expired" | "cancelled", note: string, cause: SettleCause): ElicitationOutcome | undefined {
    return this.settle(id, status, { action: "cancel" }, { note, cause });
  }

  /**
   * Changes a pending card's review state (approvals so far, escalation) and shows it: the card updates live in its
   * conversation, observers hear "updated". Returns the new data, or undefined when it is no longer pending.
   */
  updateReview(id: string, review: ElicitationData["review"]): ElicitationData | undefined {
    const entry = this.pending.get(id);
    if (!entry) return undefined;
    entry.data = { ...entry.data, review };
    this.emit({ type: "updated", data: entry.data, requesterId: entry.requesterId });
    notify(entry.onChange, entry.data);
    return entry.data;
  }

  /** Who asked a pending question (a user id). */
  requesterOf(id: string): string | undefined {
    return this.pending.get(id)?.requesterId;
  }

  get(id: string): ElicitationData | undefined {
    return this.pending.get(id)?.data;
  }

  /** A pending request's data, or how a recently settled one ended. */
  lookup(id: string): { pending: ElicitationData } | { settled: ElicitationOutcome } | undefined {
    const pending = this.get(id);
    if (pending) return { pending };
    const settled = this.settledOutcome(id);
    return settled && { settled };
  }

  listPending(threadId?: string): ElicitationData[] {
    return [...this.pending.values()].map((e) => e.data).filter((d) => threadId === undefined || d.threadId === threadId);
  }

  private settle(id: string, status: Exclude<ElicitationStatus, "pending">, settlement: Settlement, how: SettleDetails) {
    const { note, approved, by, cause } = how;
    const entry = this.pending.get(id);
    if (!entry) return undefined;
    this.pending.delete(id);
    const left = (this.pendingByThread.get(entry.data.threadId) ?? 1) - 1;
    if (left > 0) this.pendingByThread.set(entry.data.threadId, left);
    else this.pendingByThread.delete(entry.data.threadId);
    entry.dispose();
    const answeredAt = Date.now();
    const outcome: ElicitationOutcome = { id, status, answeredAt, ...(note && { note }), ...(by && { answeredBy: by }) };
    this.remember(outcome);
    entry.data = { ...entry.data, status, ...(note && { note }), ...(approved && { approved }), ...(by && { answeredBy: by }) };
    // The form content goes to observers (the audit trail redacts it) but not into the card's data.
    const { content } = settlement;
    this.emit({ type: "settled", data: entry.data, requesterId: entry.requesterId, cause, ...(by && { by }), ...(content && { content }) });
    notify(entry.onChange, entry.data);
    entry.resolve(settlement);
    return outcome;
  }

  private remember(outcome: ElicitationOutcome): void {
    this.settled.set(outcome.id, outcome);
    // Oldest first: Map keeps insertion order.
    for (const [id, old] of this.settled) {
      if (this.settled.size <= MAX_SETTLED && outcome.answeredAt - old.answeredAt < RETAIN_SETTLED_MS) break;
      this.settled.delete(id);
    }
  }

  private settledOutcome(id: string): ElicitationOutcome | undefined {
    const outcome = this.settled.get(id);
    return outcome && Date.now() - outcome.answeredAt < RETAIN_SETTLED_MS ? outcome : undefined;
  }
}

function notify(onChange: (data: ElicitationData) => void, data: ElicitationData): void {
  try {
    onChange(data);
  } catch {
    // A closed stream must not stop the request from settling.
  }
}
