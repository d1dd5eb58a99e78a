import "server-only";
import type { UIMessage } from "ai";
import { sql } from "kysely";
import { MAX_TITLE_LENGTH, type ConversationSummary } from "@/lib/chat/conversation-contract";
import { ApiError } from "@/lib/errors";
import type { Database } from "./open-database";
import type { ConversationRow } from "./tables";

export interface StoredConversation extends ConversationSummary {
  messages: UIMessage[];
}

/** Conversations and their messages. The contract tests in conversation-store.test.ts hold every implementation to it. */
export interface ConversationStore {
  /** Newest first; `ownerId` undefined lists everyone's (admins). */
  list(options: { ownerId?: string; search?: string; limit: number }): Promise<ConversationSummary[]>;
  get(id: string): Promise<StoredConversation | undefined>;
  /**
   * Creates the conversation if new (titled from its first user message) and upserts these messages in order,
   * the first at position `from` (a turn's reply is saved alone, after the messages it answers).
   */
  save(conversation: { id: string; ownerId: string }, messages: readonly UIMessage[], from?: number): Promise<void>;
  /** Sets the title (cut to MAX_TITLE_LENGTH); the place in the list stays (renaming is not activity). */
  rename(id: string, title: string): Promise<boolean>;
  /** The conversation and its messages; false when there was none. */
  delete(id: string): Promise<boolean>;
}

export class SqlConversationStore implements ConversationStore {
  private readonly database: Database;

  constructor(database: Database) {
    this.database = database;
  }

  async list({ ownerId, search, limit }: { ownerId?: string; search?: string; limit: number }): Promise<ConversationSummary[]> {
    await this.database.ready;
    let query = this.database.db.selectFrom("conversations").selectAll();
    if (ownerId !== undefined) query = query.where("owner_id", "=", ownerId);
    const needle = search?.trim().toLowerCase();
    // `escape` is spelled out: SQLite has no default escape character for LIKE, Postgres uses a backslash.
    if (needle) query = query.where(sql<boolean>`lower(title) like ${`%${escapeLike(needle)}%`} escape '\\'`);
    const rows = await query.orderBy("updated_at", "desc").orderBy("id").limit(limit).execute();
    return rows.map(summaryOf);
  }

  async get(id: string): Promise<StoredConversation | undefined> {
    await this.database.ready;
    const { db } = this.database;
    const row = await db.selectFrom("conversations").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) return undefined;
    const messages = await db.selectFrom("messages").select("message").where("conversation_id", "=", id).orderBy("position").execute();
    return { ...summaryOf(row), messages: messages.map((m) => JSON.parse(m.message) as UIMessage) };
  }

  async save(conversation: { id: string; ownerId: string }, messages: readonly UIMessage[], from = 0): Promise<void> {
    await this.database.ready;
    const now = Date.now();
    await this.database.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("conversations")
        .values({ id: conversation.id, owner_id: conversation.ownerId, title: titleOf(messages), created_at: now, updated_at: now })
        .onConflict((oc) => oc.column("id").doUpdateSet({ updated_at: now }))
        .execute();
      // The first save makes the conversation its sender's; a save by anyone else (two first messages racing
      // past the route's owner check with the same id) writes nothing.
      const { owner_id } = await trx
        .selectFrom("conversations")
        .select("owner_id")
        .where("id", "=", conversation.id)
        .executeTakeFirstOrThrow();
      if (owner_id !== conversation.ownerId) throw notOwned();
      for (const [index, message] of messages.entries()) {
        const values = { message: JSON.stringify(message), position: from + index, role: message.role, updated_at: now };
        await trx
          .insertInto("messages")
          .values({ conversation_id: conversation.id, id: message.id, ...values })
          .onConflict((oc) => oc.columns(["conversation_id", "id"]).doUpdateSet(values))
          .execute();
      }
    });
  }

  async rename(id: string, title: string): Promise<boolean> {
    await this.database.ready;
    const result = await this.database.db
      .updateTable("conversations")
      .set({ title: title.slice(0, MAX_TITLE_LENGTH) })
      .where("id", "=", id)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async delete(id: string): Promise<boolean> {
    await this.database.ready;
    return this.database.db.transaction().execute(async (trx) => {
      await trx.deleteFrom("messages").where("conversation_id", "=", id).execute();
      const result = await trx.deleteFrom("conversations").where("id", "=", id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }
}

function summaryOf(row: ConversationRow): ConversationSummary {
  return { id: row.id, title: row.title, ownerId: row.owner_id, createdAt: Number(row.created_at), updatedAt: Number(row.updated_at) };
}

/** The first user message's text, on one line: what the sidebar shows until the conversation is renamed. */
export function titleOf(messages: readonly UIMessage[]): string {
  const first = messages.find((m) => m.role === "user");
  const text = (first?.parts ?? [])
    .map((part) => (part.type === "text" ? part.text : ""))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  return text.length > 60 ? `${text.slice(0, 59)}…` : text || "New conversation";
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Someone else's conversation does not exist for the caller: the routes' own 404. */
export function notOwned(): ApiError {
  return new ApiError("not_found", "No such conversation.");
}
