import "server-only";
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * Tool calls suspended on a question (MCP 2026-07-28 `input_required`): what it takes to retry the call once the
 * person answers, and the claim that lets exactly one answer resume it. One row per question that can wait for days.
 */
export const resumableCalls: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("resumable_calls")
      .addColumn("question_id", "text", (c) => c.primaryKey())
      .addColumn("conversation_id", "text", (c) => c.notNull())
      .addColumn("run_id", "text", (c) => c.notNull())
      .addColumn("tool_call_id", "text", (c) => c.notNull())
      .addColumn("server_name", "text", (c) => c.notNull())
      .addColumn("tool_name", "text", (c) => c.notNull())
      .addColumn("arguments", "text", (c) => c.notNull())
      .addColumn("input_key", "text", (c) => c.notNull())
      .addColumn("request_state", "text")
      .addColumn("phase", "text", (c) => c.notNull())
      .addColumn("answer", "text")
      .addColumn("claimed_by", "text")
      .addColumn("claimed_at", "bigint")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("resumable_calls_phase").on("resumable_calls").columns(["phase", "created_at"]).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("resumable_calls").execute();
  },
};
