/**
 * Questions agents put to the team (ask_human): each becomes a pending question in the registry, so the inbox
 * shows it and routing, the audit and notifications treat it like any other; its answer, content included, is
 * kept in the HumanRequestStore for the agent to fetch later. Only a person's answer is ever returned: a question
 * nobody answered in time ends as expired, with no answer.
 */
import "server-only";
import type { Identity } from "@/lib/auth/authenticate";
import type { ElicitationData, ElicitationOutcome, RequestedSchema, Submission } from "@/lib/elicitation/contract";
import type { StoredQuestion } from "@/lib/db/question-store";
import type { ElicitationRegistry, Settlement } from "@/lib/elicitation/registry";
import { InvalidAskError, requestedSchemaOf, reviewSchemaOf } from "./answer-format";
import {
  AGENT_THREAD_PREFIX,
  PEOPLE_SERVER_NAME,
  type AnswerFormat,
  type HumanRequest,
  type RequestStatus,
  type Urgency,
} from "./contract";
import { deadlineOf } from "./deadline";
import { LOST_NOTE, lostSettlement, settledAs, type RolesOf } from "./request-settlement";
import type { HumanRequestStore } from "./request-store";
import { stateOfStored } from "@/lib/review/desk-contract";

export { LOST_NOTE } from "./request-settlement";

interface Routing {
  specialty?: string;
  urgency?: Urgency;
  deadline?: string | number;
}

export interface AskInput extends Routing {
  question: string;
  context?: string;
  answer?: AnswerFormat;
  /** The chat conversation it is asked from (the chat's ask_expert): its reviewer sees its last messages. */
  threadId?: string;
}

export interface ReviewInput extends Routing {
  content: string;
  format?: Submission["format"];
  criteria?: string;
  title?: string;
}

/** An opened request, and its settlement once stored. */
export interface Asked {
  request: HumanRequest;
  done: Promise<HumanRequest>;
}

/** Where a question stands anywhere (here, or held by another instance): ReviewDesk.lookup. */
export type QuestionLookup = (id: string) => Promise<{ pending: ElicitationData } | { settled: ElicitationOutcome } | undefined>;

/**
 * Where a question stands: as `known` says (this instance, or what it heard of the others), else as storage says.
 * A question held by an instance whose news has not arrived yet, or while Redis is away, is then still pending,
 * never taken for lost.
 */
export function lookupOrStored(known: QuestionLookup, stored: (id: string) => Promise<StoredQuestion | undefined>): QuestionLookup {
  return async (id) => {
    const found = await known(id);
    if (found) return found;
    const question = await stored(id);
    return question && stateOfStored(question.data);
  };
}

export const CANCEL_NOTE = "the agent withdrew the question";
/** How long a settlement made on another instance may take to reach storage before it counts as lost. */
const SETTLING_ELSEWHERE_MS = 2_000;

export class HumanRequests {
  private readonly registry: ElicitationRegistry;
  private readonly store: HumanRequestStore;
  private readonly lookup: QuestionLookup;
  private readonly rolesOf: RolesOf;
  private readonly nameOf: (userId: string) => Promise<string | undefined>;
  private readonly withdrawElsewhere: (id: string, requesterId: string) => Promise<void>;
  /** Settlements being written: a read waits for its request's, so it never sees pending after the answer. */
  private readonly settling = new Map<string, Promise<void>>();

  constructor(deps: {
    registry: ElicitationRegistry;
    store: HumanRequestStore;
    /** Defaults to this process's registry. */
    lookup?: QuestionLookup;
    /** Each person's role ("reviewer"), by name; undefined for a name that is no user. */
    rolesOf?: RolesOf;
    /** A user's name by id: routing rules match requesters by name, also for questions shown again after a restart. */
    nameOf?: (userId: string) => Promise<string | undefined>;
    /** With several instances: asks the instance holding a question to withdraw it (Coordination.withdraw). */
    withdrawElsewhere?: (id: string, requesterId: string) => Promise<void>;
  }) {
    this.registry = deps.registry;
    this.store = deps.store;
    this.lookup = deps.lookup ?? (async (id) => this.registry.lookup(id));
    this.rolesOf = deps.rolesOf ?? (async (names) => names.map(() => undefined));
    this.nameOf = deps.nameOf ?? (async () => undefined);
    this.withdrawElsewhere = deps.withdrawElsewhere ?? (async () => {});
  }

  /**
   * Opens the question and returns its request; `done` resolves once its settlement is stored. Throws an
   * InvalidAskError for a format or deadline nobody could work with. `onChange` hears each change of the card.
   */
  ask(identity: Identity, input: AskInput, onChange: (data: ElicitationData) => void = () => {}): Asked {
    const answerFormat = input.answer ?? { type: "text" as const };
    return this.open(identity, input, { requestedSchema: requestedSchemaOf(answerFormat), answerFormat }, onChange);
  }

  /**
   * Opens a review: the content waits in the inbox for a person to approve, edit or reject. Its request settles as
   * answered (verdict approved or edited, with the content as approved) or declined (verdict rejected, with reasons).
   */
  review(identity: Identity, input: ReviewInput, onChange: (data: ElicitationData) => void = () => {}): Asked {
    const submission: Submission = {
      // A browser's text area gives back \n line ends: an untouched CRLF text must still read as approved, not edited.
      content: input.content.replace(/\r\n/g, "\n"),
      format: input.format ?? "text",
      ...(input.criteria !== undefined && { criteria: input.criteria }),
    };
    const question = input.title ? `Review: ${input.title}` : "Review this before it goes out";
    // The criteria are shown with the content (the card's submission), not again in the message.
    const asked = { question, specialty: input.specialty, urgency: input.urgency, deadline: input.deadline };
    return this.open(
      identity,
      asked,
      { requestedSchema: reviewSchemaOf(submission), answerFormat: { type: "text" }, submission },
      onChange,
    );
  }

  private open(
    identity: Identity,
    input: AskInput,
    shape: { requestedSchema: RequestedSchema; answerFormat: AnswerFormat; submission?: Submission },
    onChange: (data: ElicitationData) => void,
  ): Asked {
    const { requestedSchema, answerFormat, submission } = shape;
    const now = Date.now();
    const deadlineAt = deadlineOf(input.deadline, now);
    let latest: ElicitationData | undefined;
    const { data, settled } = this.registry.open({
      // One "conversation" per key's user: the per-conversation pending limit becomes a per-agent one.
      threadId: input.threadId ?? `${AGENT_THREAD_PREFIX}${identity.id}`,
      requesterId: identity.id,
      requesterName: identity.name,
      ...(identity.apiKey && { apiKey: identity.apiKey }),
      serverName: PEOPLE_SERVER_NAME,
      message: messageOf(input),
      ...(input.specialty !== undefined && { specialty: input.specialty }),
      ...(submission && { submission }),
      requestedSchema,
      timeoutMs: deadlineAt - now,
      // Asked through /api/mcp, its agent polls by id, across restarts: kept. Asked from a chat turn (threadId), it
      // lives and ends with that turn.
      ...(input.threadId === undefined && { kept: {} }),
      onChange: (changed) => {
        latest = changed;
        onChange(changed);
      },
    });
    // Ended as it opened (too many waiting, Redis away, no route): nothing is kept, and the caller is told why.
    if (!this.registry.get(data.id)) {
      const ended = this.registry.lookup(data.id);
      throw new InvalidAskError(`Not asked: ${(ended && "settled" in ended && ended.settled.note) || "it could not be opened"}.`);
    }
    const request: HumanRequest = {
      id: data.id,
      requesterId: identity.id,
      question: input.question,
      ...(input.context !== undefined && { context: input.context }),
      answerFormat,
      ...(input.specialty !== undefined && { specialty: input.specialty }),
      urgency: input.urgency ?? "normal",
      status: "pending",
      createdAt: data.createdAt,
      deadlineAt: data.expiresAt,
      ...(submission && { submission }),
    };
    // Enqueued before the settlement's write (which waits for `settled`): the store sees them in that order.
    const saved = this.store.save(request);
    return {
      request,
      done: this.track(
        request,
        Promise.all([saved, settled]).then(([, settlement]) => settlement),
        () => latest,
      ),
    };
  }

  /**
   * After a restart, or on taking over an instance that stopped: shows again the questions agents asked that this
   * instance now holds, answerable as before until their deadline; one whose deadline passed meanwhile expires at
   * once. Routing is applied afresh (approvals given before the restart are asked again).
   */
  async restore(held: StoredQuestion[]): Promise<void> {
    for (const { data, requesterId } of held) {
      if (!data.kept || data.status !== "pending" || this.registry.get(data.id)) continue;
      const request = await this.store.get(data.id, requesterId);
      const requesterName = await this.nameOf(requesterId).catch(() => undefined);
      let latest: ElicitationData | undefined;
      const { settled } = this.registry.open({
        threadId: data.threadId,
        requesterId,
        ...(requesterName && { requesterName }),
        serverName: data.serverName,
        message: data.message,
        ...(data.specialty !== undefined && { specialty: data.specialty }),
        ...(data.submission && { submission: data.submission }),
        requestedSchema: data.requestedSchema,
        timeoutMs: Math.max(0, data.expiresAt - Date.now()),
        kept: { reopen: { id: data.id, createdAt: data.createdAt, expiresAt: data.expiresAt } },
        onChange: (changed) => (latest = changed),
      });
      if (request?.status === "pending") void this.track(request, settled, () => latest);
      // Its request is gone or already settled (nothing to deliver to): the question must not wait for nobody.
      else this.registry.end(data.id, "expired", LOST_NOTE, "aborted");
    }
  }

  /** Writes how `request` settled once it does; reads wait for the write (see `settling`). */
  private track(request: HumanRequest, settled: Promise<Settlement>, latest: () => ElicitationData | undefined): Promise<HumanRequest> {
    const written = settled.then(async (settlement) => {
      const outcome = await settledAs(request, settlement, latest(), this.rolesOf);
      await this.store.settle(request.id, outcome);
      return { ...request, ...outcome };
    });
    const done = written.finally(() => this.settling.delete(request.id));
    this.settling.set(
      request.id,
      done.then(
        () => {},
        () => {},
      ),
    );
    return done;
  }

  /** The requester's request, answered or not; undefined for an id they did not ask (another's included). */
  async get(identity: Identity, id: string): Promise<HumanRequest | undefined> {
    const request = await this.store.get(id, identity.id);
    return request && this.current(identity, request);
  }

  /** A stored request as it stands now: a pending one is checked against its question, which may have ended. */
  private async current(identity: Identity, request: HumanRequest): Promise<HumanRequest> {
    if (request.status !== "pending") return request;
    const { id } = request;
    const found = await this.lookup(id);
    if (found && "pending" in found) return request;
    // Settled just now: its settlement is being written.
    const writing = this.settling.get(id);
    if (writing) {
      await writing;
      return (await this.store.get(id, identity.id)) ?? request;
    }
    const outcome = found && "settled" in found ? found.settled : undefined;
    // Settled on another instance a moment ago: that instance is writing its settlement; it is not lost.
    if (outcome && Date.now() - outcome.answeredAt < SETTLING_ELSEWHERE_MS) {
      const written = await this.writtenSoon(identity, id);
      return written ?? request;
    }
    // Pending in storage, but no question waits: it was lost with a restart, or ended on an instance that is gone.
    const settlement = lostSettlement(outcome);
    await this.store.settle(id, settlement);
    return (await this.store.get(id, identity.id)) ?? { ...request, ...settlement };
  }

  async list(identity: Identity, status?: RequestStatus): Promise<HumanRequest[]> {
    const requests = await this.store.list(identity.id, status);
    // Pending ones are checked as get() does (a restart may have ended them); the others are final.
    const checked = await Promise.all(requests.map((request) => this.current(identity, request)));
    return checked.filter((request) => status === undefined || request.status === status);
  }

  /** Withdraws a pending request; one already settled stays as it ended. Undefined for an id they did not ask. */
  async cancel(identity: Identity, id: string): Promise<HumanRequest | undefined> {
    const request = await this.store.get(id, identity.id);
    if (!request) return undefined;
    if (request.status === "pending" && !this.withdraw(id, identity.id)) {
      const found = await this.lookup(id);
      // Held by another instance: that one withdraws it (lib/cluster), and its settlement is written there.
      if (found && "pending" in found) {
        await this.withdrawElsewhere(id, identity.id);
        return (await this.writtenSoon(identity, id)) ?? this.get(identity, id);
      }
    }
    return this.get(identity, id);
  }

  /** Ends the requester's question if this instance holds it; false when it does not (or it is someone else's). */
  withdraw(id: string, requesterId: string): boolean {
    if (this.registry.requesterOf(id) !== requesterId) return false;
    this.registry.end(id, "cancelled", CANCEL_NOTE, "aborted");
    return true;
  }

  /** The request once its settlement is in storage, read again for a little while; undefined if it is not yet. */
  private async writtenSoon(identity: Identity, id: string): Promise<HumanRequest | undefined> {
    for (let waited = 0; waited < SETTLING_ELSEWHERE_MS; waited += 50) {
      const request = await this.store.get(id, identity.id);
      if (request && request.status !== "pending") return request;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return undefined;
  }
}

/** What the card shows: the question, then what it needs and how soon, then the context. */
function messageOf(input: AskInput): string {
  const facts = [
    input.specialty && `Specialty: ${input.specialty}`,
    input.urgency && input.urgency !== "normal" && `Urgency: ${input.urgency}`,
  ].filter(Boolean);
  return [input.question, facts.join(" · "), input.context].filter((part) => part && part.trim() !== "").join("\n\n");
}
