import "server-only";
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * Which instance holds each question (INSTANCE_ID): with several instances on one database, a starting instance
 * settles only its own leftovers, and the questions of an instance that died are taken over by exactly one other.
 * Rows from before this migration have none: they belong to whichever single process uses the database.
 */
export const questionOwner: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("questions").addColumn("owner", "text").execute();
    await db.schema.createIndex("questions_status_owner").on("questions").columns(["status", "owner"]).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex("questions_status_owner").execute();
    await db.schema.alterTable("questions").dropColumn("owner").execute();
  },
};
