import "server-only";
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";
import { isPostgres } from "../dialect";

/** Conversations and their messages, questions, the audit trail and notification deliveries. */
export const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("conversations")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("owner_id", "text", (c) => c.notNull())
      .addColumn("title", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("conversations_owner_updated").on("conversations").columns(["owner_id", "updated_at"]).execute();

    await db.schema
      .createTable("messages")
      .addColumn("conversation_id", "text", (c) => c.notNull().references("conversations.id").onDelete("cascade"))
      .addColumn("id", "text", (c) => c.notNull())
      .addColumn("position", "integer", (c) => c.notNull())
      .addColumn("role", "text", (c) => c.notNull())
      .addColumn("message", "text", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("messages_pk", ["conversation_id", "id"])
      .execute();
    await db.schema.createIndex("messages_conversation_position").on("messages").columns(["conversation_id", "position"]).execute();

    await db.schema
      .createTable("questions")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("conversation_id", "text", (c) => c.notNull())
      .addColumn("requester_id", "text", (c) => c.notNull())
      .addColumn("server_name", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("data", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("expires_at", "bigint", (c) => c.notNull())
      .addColumn("settled_at", "bigint")
      .execute();
    await db.schema.createIndex("questions_status").on("questions").columns(["status", "created_at"]).execute();
    await db.schema.createIndex("questions_conversation").on("questions").column("conversation_id").execute();

    await db.schema
      .createTable("audit_entries")
      // SQLite's `integer primary key autoincrement` (what existing files have); Postgres has no AUTOINCREMENT and
      // spells it as an identity. Either way the trail sets seq itself (the last one + 1, inside its transaction).
      .addColumn("seq", "integer", (c) => (isPostgres(db) ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement()))
      .addColumn("at", "bigint", (c) => c.notNull())
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("question_id", "text")
      .addColumn("conversation_id", "text")
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("server_name", "text")
      .addColumn("tool_name", "text")
      .addColumn("outcome", "text")
      .addColumn("details", "text", (c) => c.notNull())
      .addColumn("prev_hash", "text", (c) => c.notNull())
      .addColumn("hash", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("audit_at").on("audit_entries").column("at").execute();
    await db.schema.createIndex("audit_question").on("audit_entries").column("question_id").execute();
    await db.schema.createIndex("audit_actor_at").on("audit_entries").columns(["actor", "at"]).execute();
    await db.schema.createIndex("audit_server_at").on("audit_entries").columns(["server_name", "at"]).execute();

    await db.schema
      .createTable("notification_deliveries")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("question_id", "text", (c) => c.notNull())
      .addColumn("channel", "text", (c) => c.notNull())
      .addColumn("event", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("last_error", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("deliveries_question").on("notification_deliveries").column("question_id").execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ["notification_deliveries", "audit_entries", "questions", "messages", "conversations"]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
