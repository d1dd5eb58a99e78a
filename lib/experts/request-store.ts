import "server-only";
import type { Database } from "@/lib/db/open-database";
import type { HumanRequestRow } from "@/lib/db/tables";
import { submissionSchema } from "@/lib/elicitation/contract";
import type { WriteQueue } from "@/lib/db/write-queue";
import {
  answerFormatSchema,
  answeredBySchema,
  answerValueSchema,
  requestStatusSchema,
  urgencySchema,
  verdictSchema,
  type HumanRequest,
  type HumanRequestSettlement,
  type RequestStatus,
} from "./contract";

/** At most this many requests in one list (newest first): an agent with more pages by status. */
export const LIST_LIMIT = 200;

/**
 * What agents asked through /api/mcp, and the answers. Every read names the requester: another user's id is
 * simply not there, as an id that never was.
 */
export interface HumanRequestStore {
  save(request: HumanRequest): Promise<void>;
  /** Records how a pending request ended; a request already settled stays as it was (first settlement wins). */
  settle(id: string, settlement: HumanRequestSettlement): Promise<void>;
  get(id: string, requesterId: string): Promise<HumanRequest | undefined>;
  /** The requester's requests, newest first, at most LIST_LIMIT. */
  list(requesterId: string, status?: RequestStatus): Promise<HumanRequest[]>;
}

export class SqlHumanRequestStore implements HumanRequestStore {
  private readonly database: Database;
  private readonly writes: WriteQueue;

  constructor(database: Database, writes: WriteQueue) {
    this.database = database;
    this.writes = writes;
  }

  save(request: HumanRequest): Promise<void> {
    return this.writes.enqueue(async (trx) => {
      await trx
        .insertInto("human_requests")
        .values({
          id: request.id,
          requester_id: request.requesterId,
          question: request.question,
          context: request.context ?? null,
          answer_format: JSON.stringify(request.answerFormat),
          specialty: request.specialty ?? null,
          urgency: request.urgency,
          created_at: request.createdAt,
          deadline_at: request.deadlineAt,
          submission: request.submission ? JSON.stringify(request.submission) : null,
          ...settledColumns(request),
        })
        .execute();
    });
  }

  settle(id: string, settlement: HumanRequestSettlement): Promise<void> {
    return this.writes.enqueue(async (trx) => {
      await trx
        .updateTable("human_requests")
        .set(settledColumns(settlement))
        .where("id", "=", id)
        .where("status", "=", "pending")
        .execute();
    });
  }

  async get(id: string, requesterId: string): Promise<HumanRequest | undefined> {
    await this.database.ready;
    const row = await this.database.db
      .selectFrom("human_requests")
      .selectAll()
      .where("id", "=", id)
      .where("requester_id", "=", requesterId)
      .executeTakeFirst();
    return row && requestOf(row);
  }

  async list(requesterId: string, status?: RequestStatus): Promise<HumanRequest[]> {
    await this.database.ready;
    let query = this.database.db.selectFrom("human_requests").selectAll().where("requester_id", "=", requesterId);
    if (status) query = query.where("status", "=", status);
    // Ties broken by id: Postgres keeps no insertion order among equal timestamps.
    const rows = await query.orderBy("created_at", "desc").orderBy("id", "desc").limit(LIST_LIMIT).execute();
    return rows.map(requestOf);
  }
}

/** STORAGE=memory: the same contract, gone with the process. */
export class MemoryHumanRequestStore implements HumanRequestStore {
  private readonly requests = new Map<string, HumanRequest>();

  async save(request: HumanRequest): Promise<void> {
    this.requests.set(request.id, structuredClone(request));
  }

  async settle(id: string, settlement: HumanRequestSettlement): Promise<void> {
    const request = this.requests.get(id);
    if (request?.status === "pending") Object.assign(request, structuredClone(withoutUndefined(settlement)));
  }

  async get(id: string, requesterId: string): Promise<HumanRequest | undefined> {
    const request = this.requests.get(id);
    return request?.requesterId === requesterId ? structuredClone(request) : undefined;
  }

  async list(requesterId: string, status?: RequestStatus): Promise<HumanRequest[]> {
    return [...this.requests.values()]
      .filter((r) => r.requesterId === requesterId && (status === undefined || r.status === status))
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
      .slice(0, LIST_LIMIT)
      .map((r) => structuredClone(r));
  }
}

function settledColumns(settlement: HumanRequestSettlement) {
  return {
    status: settlement.status,
    answer: settlement.answer === undefined ? null : JSON.stringify(settlement.answer),
    answered_by: settlement.answeredBy ? JSON.stringify(settlement.answeredBy) : null,
    answered_at: settlement.answeredAt ?? null,
    comment: settlement.comment ?? null,
    note: settlement.note ?? null,
    verdict: settlement.verdict ?? null,
    reasons: settlement.reasons ?? null,
    diff: settlement.diff ?? null,
  };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A row back as a request; Postgres returns bigint columns as text, hence Number(). */
function requestOf(row: HumanRequestRow): HumanRequest {
  const request: HumanRequest = {
    id: row.id,
    requesterId: row.requester_id,
    question: row.question,
    answerFormat: answerFormatSchema.parse(JSON.parse(row.answer_format)),
    urgency: urgencySchema.parse(row.urgency),
    status: requestStatusSchema.parse(row.status),
    createdAt: Number(row.created_at),
    deadlineAt: Number(row.deadline_at),
  };
  if (row.context !== null) request.context = row.context;
  if (row.specialty !== null) request.specialty = row.specialty;
  if (row.answer !== null) request.answer = answerValueSchema.parse(JSON.parse(row.answer));
  if (row.answered_by !== null) request.answeredBy = answeredBySchema.parse(JSON.parse(row.answered_by));
  if (row.answered_at !== null) request.answeredAt = Number(row.answered_at);
  if (row.comment !== null) request.comment = row.comment;
  if (row.note !== null) request.note = row.note;
  if (row.submission !== null) request.submission = submissionSchema.parse(JSON.parse(row.submission));
  if (row.verdict !== null) request.verdict = verdictSchema.parse(row.verdict);
  if (row.reasons !== null) request.reasons = row.reasons;
  if (row.diff !== null) request.diff = row.diff;
  return request;
}
