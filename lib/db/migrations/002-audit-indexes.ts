import "server-only";
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * The audit trail is read newest first, paged by seq, under one filter or more: an index per filter column
 * ending in seq lets a filtered page be read in index order, however large the trail grows.
 */
const INDEXES = {
  audit_server_seq: "server_name",
  audit_actor_seq: "actor",
  audit_outcome_seq: "outcome",
  audit_type_seq: "type",
} as const;

export const auditIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    for (const [name, column] of Object.entries(INDEXES)) {
      await db.schema.createIndex(name).on("audit_entries").columns([column, "seq"]).execute();
    }
  },
  async down(db: Kysely<unknown>) {
    for (const name of Object.keys(INDEXES)) await db.schema.dropIndex(name).execute();
  },
};
