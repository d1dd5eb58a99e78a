import "server-only";
import { elicitationDataSchema, type ElicitationData } from "@/lib/elicitation/contract";
import type { Database } from "./open-database";
import type { QuestionRow } from "./tables";
import type { WriteQueue } from "./write-queue";

export interface StoredQuestion {
  data: ElicitationData;
  requesterId: string;
  /** The instance holding it; undefined for rows from before there could be several (anyone's). */
  owner?: string;
}

/** What taking over a dead instance's questions found: those that could only wait in it, and durable ones. */
export interface Adopted {
  /** Settled as expired with the note: they waited on a request that died with their instance. */
  expired: StoredQuestion[];
  /** Now this instance's: their tool calls are suspended in storage, and they wait on here. */
  durable: StoredQuestion[];
  /** Now this instance's: agents' requests (lib/experts), shown again here until their deadline. */
  kept: StoredQuestion[];
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
  /** `mine`: only this instance's (with several); everything in one process. */
  pending(options?: { conversationId?: string; mine?: boolean }): Promise<StoredQuestion[]>;
  /**
   * Settles every question asked before `askedBefore` and still pending as expired with `note`; returns them. Not
   * durable ones: their tool call is suspended in storage, and they wait on (lib/chat/resumer.ts).
   */
  expirePending(note: string, askedBefore: number): Promise<StoredQuestion[]>;
  /** The instances that hold a pending question (not this one), for finding those that died. */
  otherOwners(): Promise<string[]>;
  /**
   * Takes over the pending questions of the instance `owner` (it died): durable ones become this instance's, the
   * others are expired with `note`. One transaction: of two instances adopting at once, one finds nothing left.
   */
  adopt(owner: string, note: string): Promise<Adopted>;
}

export class SqlQuestionStore implements QuestionStore {
  private readonly database: Database;
  private readonly writes: WriteQueue;
  /** This instance (INSTANCE_ID): written on the questions it asks; its own leftovers are what it settles at start. */
  private readonly owner: string | null;

  constructor(database: Database, writes: WriteQueue, owner?: string) {
    this.database = database;
    this.writes = writes;
    this.owner = owner ?? null;
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
        .values({ id: data.id, ...row, owner: this.owner })
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

  async pending(options: { conversationId?: string; mine?: boolean } = {}): Promise<StoredQuestion[]> {
    await this.database.ready;
    let query = this.database.db.selectFrom("questions").selectAll().where("status", "=", "pending");
    if (options.conversationId !== undefined) query = query.where("conversation_id", "=", options.conversationId);
    if (options.mine) query = query.where((eb) => eb.or([eb("owner", "is", null), eb("owner", "=", this.owner)]));
    // Ties broken by id: Postgres, unlike SQLite, keeps no insertion order among equal timestamps.
    return (await query.orderBy("created_at").orderBy("id").execute()).map(storedOf);
  }

  async expirePending(note: string, askedBefore: number): Promise<StoredQuestion[]> {
    // Durable and kept questions wait on: their tool call, or their request (lib/experts), is in storage.
    const left = (await this.pending({ mine: true })).filter(({ data }) => data.createdAt < askedBefore && !data.durable && !data.kept);
    const expired = left.map(({ data, requesterId }) => ({
      requesterId,
      data: { ...data, status: "expired" as const, note },
    }));
    await Promise.all(expired.map(({ data, requesterId }) => this.record(data, requesterId)));
    return expired;
  }

  async otherOwners(): Promise<string[]> {
    await this.database.ready;
    let query = this.database.db
      .selectFrom("questions")
      .select("owner")
      .distinct()
      .where("status", "=", "pending")
      .where("owner", "is not", null);
    if (this.owner !== null) query = query.where("owner", "!=", this.owner);
    return (await query.execute()).flatMap((row) => (row.owner === null ? [] : [row.owner]));
  }

  async adopt(owner: string, note: string): Promise<Adopted> {
    const adopted: Adopted = { expired: [], durable: [], kept: [] };
    await this.writes.enqueue(async (trx) => {
      const rows = await trx.selectFrom("questions").selectAll().where("status", "=", "pending").where("owner", "=", owner).execute();
      for (const question of rows.map(storedOf)) {
        const { data } = question;
        if (data.durable || data.kept) {
          await trx.updateTable("questions").set({ owner: this.owner }).where("id", "=", data.id).where("owner", "=", owner).execute();
          adopted[data.durable ? "durable" : "kept"].push({ ...question, owner: this.owner ?? undefined });
          continue;
        }
        const expired = { ...data, status: "expired" as const, note };
        await trx
          .updateTable("questions")
          .set({ status: "expired", data: JSON.stringify(expired), settled_at: Date.now() })
          .where("id", "=", data.id)
          .where("status", "=", "pending")
          .execute();
        adopted.expired.push({ ...question, data: expired });
      }
    });
    return adopted;
  }
}

function storedOf(row: QuestionRow): StoredQuestion {
  return {
    data: elicitationDataSchema.parse(JSON.parse(row.data)),
    requesterId: row.requester_id,
    ...(row.owner !== null && { owner: row.owner }),
  };
}
