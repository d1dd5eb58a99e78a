import "server-only";
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * What agents asked the team through the app's MCP server (lib/experts): the question as asked and, once a person
 * answered, the answer itself. The questions table keeps the card, whose data never holds form content; an agent
 * polling with get_request needs that content, so it is kept here, readable only by the key's user.
 */
export const humanRequests: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("human_requests")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("requester_id", "text", (c) => c.notNull())
      .addColumn("question", "text", (c) => c.notNull())
      .addColumn("context", "text")
      .addColumn("answer_format", "text", (c) => c.notNull())
      .addColumn("specialty", "text")
      .addColumn("urgency", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("deadline_at", "bigint", (c) => c.notNull())
      .addColumn("answer", "text")
      .addColumn("answered_by", "text")
      .addColumn("answered_at", "bigint")
      .addColumn("comment", "text")
      .addColumn("note", "text")
      .execute();
    await db.schema
      .createIndex("human_requests_requester")
      .on("human_requests")
      .columns(["requester_id", "status", "created_at"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("human_requests").execute();
  },
};
