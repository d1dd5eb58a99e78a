import "server-only";
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * Reviews (request_review): the content an agent submitted, the reviewer's verdict, and why it was rejected. A row
 * with a submission is a review; one without is a question (ask_human). A review's approved or edited content is
 * kept in `answer`, as a question's answer is, and an edit's unified diff in `diff` (computed once, when it settled).
 */
export const humanReviews: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("human_requests").addColumn("submission", "text").execute();
    await db.schema.alterTable("human_requests").addColumn("verdict", "text").execute();
    await db.schema.alterTable("human_requests").addColumn("reasons", "text").execute();
    await db.schema.alterTable("human_requests").addColumn("diff", "text").execute();
  },
  async down(db: Kysely<unknown>) {
    for (const column of ["diff", "reasons", "verdict", "submission"]) {
      await db.schema.alterTable("human_requests").dropColumn(column).execute();
    }
  },
};
