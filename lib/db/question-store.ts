import "server-only";
import { elicitationDataSchema, type ElicitationData } from "@/lib/elicitation/contract";
import type { Database } from "./open-database";
import type { QuestionRow } from "./tables";
import type { WriteQueue } from "./write-queue";

export interface StoredQuestion {
  data: ElicitationData;
  requesterId: string;
}

/**
 * Every question's latest state, written as it changes (through the write queue: an answer is acknowledged only
 * once its new state is on disk). What a restart, the conversation view and the inbox read.
 */
export interface QuestionStore {
  record(data: ElicitationData, requesterId: string): Promise<void>;
  get(id: string): Promise<StoredQuestion | undefined>;
  /** The stored state of these questions (those it knows), by id. */
  many(ids: readonly string[]): Promise<Map<string, ElicitationData>>;
  pending(options?: { conversationId?: string }): Promise<StoredQuestion[]>;
  /**
   * Settles every question asked before `askedBefore` and still pending as expired with `note`; returns them. Not
   * durable ones: their tool call is suspended in storage, and they wait on (lib/chat/resumer.ts).
   */
  expirePending(note: string, askedBefore: number): Promise<StoredQuestion[]>;
}

export class SqlQuestionStore implements QuestionStore {
  private readonly database: Database;
  private readonly writes: WriteQueue;

  constructor(database: Database, writes: WriteQueue) {
    this.database = database;
    this.writes = writes;
  }

  record(data: ElicitationData, requesterId: string): Promise<void> {
    const row = {
      conversation_id: data.threadId,
      requester_id: requesterId,
      server_name: data.serverName,
      kind: data.kind,
      status: data.status,
      data: JSON.stringify(data),
      created_at: data.createdAt,
      expires_at: data.expiresAt,
      settled_at: data.status === "pending" ? null : Date.now(),
    };
    return this.writes.enqueue(async (trx) => {
      await trx
        .insertInto("questions")
        .values({ id: data.id, ...row })
        .onConflict((oc) => oc.column("id").doUpdateSet({ status: row.status, data: row.data, settled_at: row.settled_at }))
        .execute();
    });
  }

  async get(id: string): Promise<StoredQuestion | undefined> {
    await this.database.ready;
    const row = await this.database.db.selectFrom("questions").selectAll().where("id", "=", id).executeTakeFirst();
    return row && storedOf(row);
  }

  async many(ids: readonly string[]): Promise<Map<string, ElicitationData>> {
    if (ids.length === 0) return new Map();
    await this.database.ready;
    const rows = await this.database.db
      .selectFrom("questions")
      .selectAll()
      .where("id", "in", [...ids])
      .execute();
    return new Map(rows.map((row) => [row.id, storedOf(row).data]));
  }

  async pending(options: { conversationId?: string } = {}): Promise<StoredQuestion[]> {
    await this.database.ready;
    let query = this.database.db.selectFrom("questions").selectAll().where("status", "=", "pending");
    if (options.conversationId !== undefined) query = query.where("conversation_id", "=", options.conversationId);
    return (await query.orderBy("created_at").execute()).map(storedOf);
  }

  async expirePending(note: string, askedBefore: number): Promise<StoredQuestion[]> {
    const left = (await this.pending()).filter(({ data }) => data.createdAt < askedBefore && !data.durable);
    const expired = left.map(({ data, requesterId }) => ({
      requesterId,
      data: { ...data, status: "expired" as const, note },
    }));
    await Promise.all(expired.map(({ data, requesterId }) => this.record(data, requesterId)));
    return expired;
  }
}

function storedOf(row: QuestionRow): StoredQuestion {
  return { data: elicitationDataSchema.parse(JSON.parse(row.data)), requesterId: row.requester_id };
}
