/**
 * The review desk: routes each new question by the routing file (who may answer, how many approvals, a deadline)
 * and decides every answer. Who may see a question: its requester, the people it is routed to, admins. Who may
 * answer: the people it is routed to, and the requester unless its rule says `requesterMayAnswer: false`; admins
 * only when routed to (their role lets them see everything, never skip a review). Anyone else gets 404, as for an
 * id that does not exist; someone who may see but not answer gets 403.
 */
import "server-only";
import type { Principal } from "@/lib/auth/principal";
import type { ElicitationAnswer, ElicitationData, ElicitationOutcome } from "@/lib/elicitation/contract";
import { LOCAL_USER_ID, type AnswerResult, type ElicitationRegistry } from "@/lib/elicitation/registry";
import { canonicalJson, settlementOf } from "@/lib/elicitation/settlement";
import { COMMENT_FIELD, PEOPLE_SERVER_NAME } from "@/lib/experts/contract";
import { inboxPaths, type Approval, type ReviewState } from "./contract";
import {
  outcomeOf,
  type Access,
  type DeskAnswer,
  type DurableClaim,
  type QuestionChange,
  type RemoteQuestions,
  type ReviewEvent,
  type StoredAccess,
} from "./desk-contract";
import type { InboxItem } from "./inbox-contract";
import { expandNames } from "./routing-file";
import { routeOf } from "./routing";
import type { RoutingRules } from "./routing-source";

interface Review {
  requesterId: string;
  users: Set<string>;
  /** Approver ids, in order, for the answer `answerKey` (an edit starts again). */
  approverIds: string[];
  answerKey?: string;
  timer?: ReturnType<typeof setTimeout>;
}

/** How long an answer to a question this instance has not heard of waits for the news (several instances). */
const NEWS_WAIT_MS = 500;

/** A question's note when this instance could not be sure it still held it (lib/cluster/liveness.ts). */
const FENCED_NOTE = "this instance lost touch with the others; nothing ran";

/** Questions settled recently, for who may look them up; older ones are read from the question store. */
const MAX_RECENT = 10_000;

export class ReviewDesk {
  private readonly registry: ElicitationRegistry;
  private readonly rules: RoutingRules;
  private readonly stored: (id: string) => Promise<StoredAccess | undefined>;
  private readonly reviews = new Map<string, Review>();
  private readonly recent = new Map<string, Access>();
  private readonly eventListeners = new Set<(event: ReviewEvent) => void>();
  private readonly changeListeners = new Set<(change: QuestionChange) => void>();
  private stopObserving: () => void;
  /** Requesters' names by user id, for the inbox ("alice", not her id); looked up once per person. */
  private readonly names = new Map<string, string>();
  private readonly nameOf: (userId: string) => Promise<string | undefined>;
  private readonly claim?: DurableClaim;
  private readonly remote?: RemoteQuestions;
  private readonly holds: () => boolean;

  constructor(deps: {
    registry: ElicitationRegistry;
    rules: RoutingRules;
    stored?: (id: string) => Promise<StoredAccess | undefined>;
    nameOf?: (userId: string) => Promise<string | undefined>;
    /** Set: a durable question's answer counts only once it wins its claim in storage (lib/chat/resumer.ts). */
    claim?: DurableClaim;
    /** Set with several instances: the questions the others hold. */
    remote?: RemoteQuestions;
    /** With several instances: whether this one may decide its questions on a live request now (Coordination.holds). */
    holds?: () => boolean;
  }) {
    this.holds = deps.holds ?? (() => true);
    this.claim = deps.claim;
    this.remote = deps.remote;
    this.registry = deps.registry;
    this.rules = deps.rules;
    this.stored = deps.stored ?? (async () => undefined);
    this.nameOf = deps.nameOf ?? (async () => undefined);
    this.registry.routeWith((data, requester) => this.route(data, requester));
    this.stopObserving = this.registry.observe((event) => {
      if (event.type === "asked") this.asked(event.data, event.requesterId, event.restored === true);
      if (event.type === "settled") this.settled(event.data, event.requesterId);
      this.changed({ data: event.data, requesterId: event.requesterId });
    });
    const stopRemote = this.remote?.onChange((change) => {
      if (!this.names.has(change.requesterId)) void this.learnName(change.requesterId);
      this.changed(change);
    });
    if (stopRemote) {
      const stopLocal = this.stopObserving;
      this.stopObserving = () => (stopLocal(), stopRemote());
    }
  }

  /** Routed and escalated questions, for notifications and the audit trail; returns the way to stop. */
  onEvent(listener: (event: ReviewEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Every change of every question (the inbox streams filter them per viewer); returns the way to stop. */
  onChange(listener: (change: QuestionChange) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  close(): void {
    this.stopObserving();
    for (const review of this.reviews.values()) clearTimeout(review.timer);
  }

  // --- who may do what ---

  canSee(principal: Principal, access: Access): boolean {
    return (
      principal.role === "admin" || principal.id === access.requesterId || isIn(principal, access.users) || isReviewerFor(principal, access)
    );
  }

  mayAnswer(principal: Principal, access: Access): boolean {
    if (principal.id === access.requesterId) return access.requesterMayAnswer;
    return isIn(principal, access.users) || isReviewerFor(principal, access);
  }

  /** What `principal`'s inbox shows of this question, if anything: what they may answer; admins see everything. */
  inboxItem(principal: Principal, change: QuestionChange): InboxItem | undefined {
    if (change.data.status !== "pending") return undefined;
    const access = this.pendingAccess(change.data, change.requesterId);
    const mayAnswer = this.mayAnswer(principal, access);
    if (!mayAnswer && principal.role !== "admin") return undefined;
    const requesterName = this.names.get(change.requesterId) ?? change.requesterId;
    return { data: change.data, requesterId: change.requesterId, requesterName, mayAnswer };
  }

  /** Every pending question in `principal`'s inbox, oldest first. */
  inbox(principal: Principal): InboxItem[] {
    const here = this.registry.listPending().map((data) => ({ data, requesterId: this.registry.requesterOf(data.id) ?? LOCAL_USER_ID }));
    return [...here, ...(this.remote?.list() ?? [])]
      .flatMap((change) => this.inboxItem(principal, change) ?? [])
      .sort((a, b) => a.data.createdAt - b.data.createdAt);
  }

  /** A conversation's pending questions that `principal` may see. */
  pendingIn(threadId: string, principal: Principal): ElicitationData[] {
    const here = this.registry.listPending(threadId).filter((data) => this.canSee(principal, this.pendingAccess(data)));
    const elsewhere = (this.remote?.list(threadId) ?? []).filter((change) =>
      this.canSee(principal, this.pendingAccess(change.data, change.requesterId)),
    );
    return [...here, ...elsewhere.map((change) => change.data)];
  }

  /** A question as a tab asks after it: pending (here or on another instance), or how it ended lately. */
  async lookup(id: string): Promise<{ pending: ElicitationData } | { settled: ElicitationOutcome } | undefined> {
    const here = this.registry.lookup(id);
    if (here || !this.remote) return here;
    const mirrored = this.remote.get(id);
    if (mirrored) return { pending: mirrored.data };
    // Settled on another instance, or expired when its instance died: as stored.
    const settled = this.remote.settledData(id) ?? (await this.stored(id))?.data;
    if (!settled || settled.status === "pending") return undefined;
    return { settled: outcomeOf({ ...settled, status: settled.status }) };
  }

  /** A question `principal` may see, pending or settled; undefined for everything else, unknown ids included. */
  async visible(id: string, principal: Principal): Promise<Access | undefined> {
    const access = await this.access(id);
    return access && this.canSee(principal, access) ? access : undefined;
  }

  // --- answers ---

  /**
   * A person's answer. `check` validates an accept against the pending card (after authorization, so a stranger
   * learns nothing from a 422). Decline and cancel settle at once; an accept needs `approvalsNeeded` different
   * people who accept the same answer, and settles with all their names. `relayed`: sent here by the instance the
   * person answered on, because this one holds the question.
   */
  async answer(
    id: string,
    answer: ElicitationAnswer,
    principal: Principal,
    check?: (pending: ElicitationData) => void,
    { relayed = false }: { relayed?: boolean } = {},
  ): Promise<DeskAnswer> {
    if (this.remote && !relayed && !this.registry.lookup(id)) await this.remote.whenKnown(id, NEWS_WAIT_MS);
    const access = await this.visible(id, principal);
    if (!access) return { kind: "not_found", expired: false };
    const pending = this.registry.get(id);
    // Relayed here by another instance: decided here or not at all (never sent on again).
    if (!pending && this.remote && !relayed) return this.answerElsewhere(id, answer, principal);
    // Settled already: the registry says how (409 with the outcome, or 404 expired).
    if (!pending) return this.registry.answer(id, answer, nameOf(principal));
    if (!this.mayAnswer(principal, access))
      return { kind: "forbidden", waitingFor: pending.review?.routedTo.join(", ") || "its reviewers" };
    if (answer.action === "accept") check?.(pending);
    const review = this.reviews.get(id);
    if (answer.action !== "accept" || !pending.review || !review || pending.review.approvalsNeeded <= 1) {
      return this.decide(pending, answer, nameOf(principal));
    }
    return this.approve(id, pending, pending.review, review, answer, principal);
  }

  /**
   * A question this instance does not hold. Pending on another: that one's desk decides (four eyes, first answer
   * wins), once. Settled there: how, from the mirror or storage (409 with the outcome, 404 expired). Stored as pending
   * but not mirrored here (coordination is down, or the news is on its way): 503, try again.
   */
  private async answerElsewhere(id: string, answer: ElicitationAnswer, principal: Principal): Promise<DeskAnswer> {
    const remote = this.remote!;
    if (remote.get(id)) {
      const result = await remote.answer(id, answer, principal);
      // No reply in time: the holder may still have applied it. What storage says is the best answer there is.
      if (result.kind !== "unavailable") return result;
      const stored = (await this.stored(id))?.data;
      return stored && stored.status !== "pending"
        ? { kind: "conflict", outcome: outcomeOf({ ...stored, status: stored.status }) }
        : result;
    }
    const here = this.registry.answer(id, answer, nameOf(principal));
    if (here.kind !== "not_found" || here.expired) return here;
    const data = remote.settledData(id) ?? (await this.stored(id))?.data;
    if (!data) return here;
    if (data.status === "pending") return { kind: "unavailable" };
    if (data.status === "expired") return { kind: "not_found", expired: true };
    return { kind: "conflict", outcome: outcomeOf({ ...data, status: data.status }) };
  }

  /**
   * The answer that settles a question. A durable one (its tool call suspended in storage, maybe answered in another
   * process too) must first win its claim: the loser gets 409 with the winner's outcome, and nothing runs twice.
   */
  private async decide(pending: ElicitationData, answer: ElicitationAnswer, by: string | undefined): Promise<AnswerResult> {
    // Several instances, and this one missed its heartbeat: another may be expiring this question right now, so
    // it is not decided here (cancelled: nothing runs, and the answer gets 409 saying so).
    if (!pending.durable && !this.holds()) this.registry.end(pending.id, "cancelled", FENCED_NOTE, "aborted");
    if (pending.durable && this.claim) {
      const lost = await this.claim(pending, settlementOf(pending, answer), by);
      if (lost) return { kind: "conflict", outcome: lost };
    }
    return this.registry.answer(pending.id, answer, by);
  }

  private async approve(
    id: string,
    pending: ElicitationData,
    state: ReviewState,
    review: Review,
    answer: ElicitationAnswer,
    principal: Principal,
  ): Promise<DeskAnswer> {
    // Everyone must approve exactly the same thing: a different answer (an edit) starts the count again.
    const key = canonicalJson(approvalKeyOf(pending, answer));
    let approvals: Approval[] = state.approvals;
    if (review.answerKey !== key) {
      review.answerKey = key;
      review.approverIds = [];
      approvals = [];
    }
    if (!review.approverIds.includes(principal.id)) {
      review.approverIds.push(principal.id);
      approvals = [...approvals, { by: principal.name, at: Date.now() }];
    }
    if (approvals.length >= state.approvalsNeeded) {
      const approved = this.registry.updateReview(id, { ...state, approvals }) ?? pending;
      return this.decide(approved, answer, joinNames(approvals.map((a) => a.by)));
    }
    const data = this.registry.updateReview(id, { ...state, approvals });
    return { kind: "partial", approval: { id, status: "pending", review: data?.review ?? { ...state, approvals } } };
  }

  // --- routing and deadlines ---

  private route(data: ElicitationData, requester: { id: string; name?: string }): ReviewState | undefined {
    const requesterId = requester.id;
    const route = routeOf(this.rules.current(), data, requester);
    if (!route) {
      this.reviews.set(data.id, { requesterId, users: new Set(), approverIds: [] });
      return undefined;
    }
    this.reviews.set(data.id, { requesterId, users: route.users, approverIds: [] });
    return {
      routedTo: route.routedTo,
      approvalsNeeded: route.approvalsNeeded,
      approvals: [],
      requesterMayAnswer: route.requesterMayAnswer,
      escalated: false,
      ...(route.deadline && { deadlineAt: data.createdAt + route.deadline.afterMs, escalateTo: route.deadline.escalateTo }),
    };
  }

  private asked(data: ElicitationData, requesterId: string, restored: boolean): void {
    if (!this.names.has(requesterId)) void this.learnName(requesterId);
    const review = this.reviews.get(data.id);
    if (!review || !data.review) return;
    // Shown again after a restart: its reviewers were told (and the trail says so) when it was first asked.
    if (!restored) this.emitEvent("routed", data, requesterId, data.review.routedTo, review.users);
    const { deadlineAt } = data.review;
    if (deadlineAt !== undefined) {
      review.timer = setTimeout(() => this.escalate(data.id), Math.max(0, deadlineAt - Date.now()));
      review.timer.unref?.();
    }
  }

  /** The deadline passed with the question still waiting: its escalateTo may answer it too, and are told. */
  private escalate(id: string): void {
    const pending = this.registry.get(id);
    const review = this.reviews.get(id);
    if (!pending?.review || !review || pending.review.escalated) return;
    const to = pending.review.escalateTo ?? [];
    const added = expandNames(to, this.rules.current().groups);
    for (const user of added) review.users.add(user);
    const routedTo = [...new Set([...pending.review.routedTo, ...to])];
    const data = this.registry.updateReview(id, { ...pending.review, routedTo, escalated: true });
    if (data) this.emitEvent("escalated", data, review.requesterId, to, added);
  }

  /** Once the requester's name is known, inboxes showing their question get it again, with the name. */
  private async learnName(requesterId: string): Promise<void> {
    const name = await this.nameOf(requesterId).catch(() => undefined);
    if (!name || this.names.get(requesterId) === name) return;
    this.names.set(requesterId, name);
    for (const data of this.registry.listPending()) {
      if (this.registry.requesterOf(data.id) === requesterId) this.changed({ data, requesterId });
    }
  }

  private settled(data: ElicitationData, requesterId: string): void {
    const review = this.reviews.get(data.id);
    clearTimeout(review?.timer);
    this.reviews.delete(data.id);
    this.recent.set(data.id, { requesterId, users: review?.users ?? new Set(), ...agentRequestAccess(data, requesterId) });
    for (const old of this.recent.keys()) {
      if (this.recent.size <= MAX_RECENT) break;
      this.recent.delete(old);
    }
  }

  private pendingAccess(data: ElicitationData, requesterId?: string): Access {
    const review = this.reviews.get(data.id);
    const asker = requesterId ?? review?.requesterId ?? this.registry.requesterOf(data.id) ?? LOCAL_USER_ID;
    return {
      data,
      requesterId: asker,
      // Asked on another instance: who it went to, as its card says (escalations included).
      users: review?.users ?? expandNames(data.review?.routedTo ?? [], this.rules.current().groups),
      ...agentRequestAccess(data, asker),
    };
  }

  private async access(id: string): Promise<Access | undefined> {
    const pending = this.registry.get(id);
    if (pending) return this.pendingAccess(pending);
    const recent = this.recent.get(id);
    if (recent) return recent;
    const mirrored = this.remote?.get(id);
    if (mirrored) return this.pendingAccess(mirrored.data, mirrored.requesterId);
    const stored = await this.stored(id);
    if (!stored) return undefined;
    return {
      requesterId: stored.requesterId,
      users: expandNames(stored.data.review?.routedTo ?? [], this.rules.current().groups),
      ...agentRequestAccess(stored.data, stored.requesterId),
    };
  }

  private emitEvent(type: ReviewEvent["type"], data: ElicitationData, requesterId: string, to: string[], users: Iterable<string>): void {
    const event: ReviewEvent = {
      type,
      questionId: data.id,
      threadId: data.threadId,
      requesterId,
      to,
      users: [...users],
      link: inboxPaths.page(data.id),
      at: Date.now(),
    };
    for (const listener of this.eventListeners) {
      try {
        listener(event);
      } catch (error) {
        console.error("[review] a listener failed:", error);
      }
    }
  }

  private changed(change: QuestionChange): void {
    for (const listener of this.changeListeners) {
      try {
        listener(change);
      } catch (error) {
        console.error("[review] a stream failed:", error);
      }
    }
  }
}

/**
 * Who may answer beyond the routing: an agent asking the team (the people server, or the chat's ask_expert) wants
 * someone else's answer, so its asker never answers it, whatever a rule says; and one no rule routes goes to every
 * reviewer and admin rather than nobody. Single-user mode has one person, who answers everything.
 */
function agentRequestAccess(data: ElicitationData, requesterId: string): Pick<Access, "requesterMayAnswer" | "anyReviewer"> {
  const fromAgent = data.serverName === PEOPLE_SERVER_NAME && requesterId !== LOCAL_USER_ID;
  return {
    requesterMayAnswer: fromAgent ? false : (data.review?.requesterMayAnswer ?? true),
    ...(fromAgent && !data.review && { anyReviewer: true }),
  };
}

function isReviewerFor(principal: Principal, access: Access): boolean {
  return access.anyReviewer === true && (principal.role === "reviewer" || principal.role === "admin");
}

/**
 * What approvers must agree on: the answer as it would be sent. An agent's form carries each approver's own comment
 * beside the answer, which is not part of what they approve.
 */
function approvalKeyOf(pending: ElicitationData, answer: ElicitationAnswer): unknown {
  const settlement = settlementOf(pending, answer);
  if (pending.serverName !== PEOPLE_SERVER_NAME || !settlement.content) return settlement;
  const { [COMMENT_FIELD]: _comment, ...content } = settlement.content;
  return { ...settlement, content };
}

/** Routing files name users by id or by name. */
function isIn(principal: Principal, users: ReadonlySet<string>): boolean {
  return users.has(principal.id) || users.has(principal.name);
}

/** Who answered, as the card shows it; nobody is named in single-user mode. */
function nameOf(principal: Principal): string | undefined {
  return principal.id === LOCAL_USER_ID ? undefined : principal.name;
}

/** ["bob"] → "bob"; ["bob", "carol"] → "bob and carol"; three → "bob, carol and dana". */
export function joinNames(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}
