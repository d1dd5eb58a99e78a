/**
 * What the review desk (review-desk.ts) promises and needs, apart from how it works: the events it emits, the
 * answers it gives, and what it is handed (the storage claim, the questions other instances hold).
 */
import "server-only";
import type { Principal } from "@/lib/auth/principal";
import type { AnswerResult } from "@/lib/elicitation/registry";
import type { ElicitationAnswer, ElicitationData, ElicitationOutcome } from "@/lib/elicitation/contract";
import type { Settlement } from "@/lib/elicitation/settlement";
import type { PartialApproval } from "./contract";

/** For notifications and the audit trail: a question reached people (routed), or its deadline passed (escalated). */
export interface ReviewEvent {
  type: "routed" | "escalated";
  questionId: string;
  threadId: string;
  requesterId: string;
  /** Users and groups as the routing file names them (escalated: those it escalated to). */
  to: string[];
  /** Everyone that means. */
  users: string[];
  /** Where to answer it: `/inbox?question=<id>`. */
  link: string;
  at: number;
}

/** A change of a question the inbox may show; each stream decides whether its viewer sees it. */
export interface QuestionChange {
  data: ElicitationData;
  requesterId: string;
}

/**
 * How an answer went. Unknown and not visible are the same `not_found` (ids do not leak); `forbidden`: the caller
 * may see it but not answer it. Results, not thrown errors: the routes turn them into their own ApiErrors (a
 * class from another bundle would not be recognised by errorResponse).
 */
export type DeskAnswer =
  | AnswerResult
  | { kind: "partial"; approval: PartialApproval }
  | { kind: "forbidden"; waitingFor: string }
  /** Held by another instance that cannot be reached now (coordination is down): try again. */
  | { kind: "unavailable" };

/** Claims a durable question for this answer; returns the recorded outcome when another answer claimed it first. */
export type DurableClaim = (
  pending: ElicitationData,
  settlement: Settlement,
  by: string | undefined,
) => Promise<ElicitationOutcome | undefined>;

/**
 * The questions other instances hold (lib/cluster): shown and answered here as if asked here; an answer goes to
 * the instance that holds the question, whose desk decides it.
 */
export interface RemoteQuestions {
  list(threadId?: string): QuestionChange[];
  get(id: string): QuestionChange | undefined;
  /** How one settled lately, when another instance settled it. */
  settledData(id: string): ElicitationData | undefined;
  answer(id: string, answer: ElicitationAnswer, principal: Principal): Promise<DeskAnswer>;
  /**
   * Waits (at most `ms`) until the question is known here: an answer can arrive a moment before the news of its
   * question does (the card reached the person through the instance that asked).
   */
  whenKnown(id: string, ms: number): Promise<void>;
  onChange(listener: (change: QuestionChange) => void): () => void;
}

/** What deciding who sees a question needs. */
export interface Access {
  data?: ElicitationData;
  requesterId: string;
  users: ReadonlySet<string>;
  requesterMayAnswer: boolean;
  /** An agent's request to the team (the people server) that no rule routes: any reviewer or admin may answer it. */
  anyReviewer?: boolean;
}

export interface StoredAccess {
  data: ElicitationData;
  requesterId: string;
}

/** How a question that ended is reported to someone asking after it (409 with it, or GET of a settled one). */
export function outcomeOf(data: ElicitationData & { status: ElicitationOutcome["status"] }): ElicitationOutcome {
  const { id, status, note, answeredBy, result } = data;
  return { id, status, answeredAt: Date.now(), ...(note && { note }), ...(answeredBy && { answeredBy }), ...(result && { result }) };
}

/** A stored question as a lookup reports it: pending (held here or by another instance), or how it ended. */
export function stateOfStored(data: ElicitationData): { pending: ElicitationData } | { settled: ElicitationOutcome } {
  return data.status === "pending" ? { pending: data } : { settled: outcomeOf({ ...data, status: data.status }) };
}
