import "server-only";
import type { Kysely, SelectQueryBuilder } from "kysely";
import type { AuditEntryRow, Tables } from "@/lib/db/tables";
import type { AuditEntry, AuditFilter, AuditPage } from "./contract";

/** Who may read which entries: everything, or only the entries whose actor is one of these (a reviewer's own). */
export type AuditScope = { all: true } | { actors: string[] };

type AuditSelect = SelectQueryBuilder<Tables, "audit_entries", AuditEntryRow>;

function filtered(db: Kysely<Tables>, filter: AuditFilter, scope: AuditScope): AuditSelect {
  let query = db.selectFrom("audit_entries").selectAll();
  if ("actors" in scope) query = query.where("actor", "in", scope.actors);
  if (filter.actor !== undefined) query = query.where("actor", "=", filter.actor);
  if (filter.server !== undefined) query = query.where("server_name", "=", filter.server);
  if (filter.outcome !== undefined) query = query.where("outcome", "=", filter.outcome);
  if (filter.type !== undefined) query = query.where("type", "=", filter.type);
  if (filter.from !== undefined) query = query.where("at", ">=", filter.from);
  if (filter.to !== undefined) query = query.where("at", "<=", filter.to);
  return query;
}

/** One page, newest first, keyset-paged by seq: `cursor` is the last page's nextCursor (never an OFFSET). */
export async function listAuditEntries(
  db: Kysely<Tables>,
  filter: AuditFilter,
  scope: AuditScope,
  page: { limit: number; cursor?: number },
): Promise<AuditPage> {
  let query = filtered(db, filter, scope);
  if (page.cursor !== undefined) query = query.where("seq", "<", page.cursor);
  const rows = await query
    .orderBy("seq", "desc")
    .limit(page.limit + 1)
    .execute();
  const entries = rows.slice(0, page.limit).map(entryOf);
  const last = entries.at(-1);
  return { entries, nextCursor: rows.length > page.limit && last ? last.seq : null };
}

/** Rows read per query while exporting: memory stays flat whatever the trail's size. */
export const EXPORT_BATCH = 1_000;

/** Every matching entry, oldest first, read in batches of EXPORT_BATCH as the consumer asks for them. */
export async function* auditEntriesInBatches(
  db: Kysely<Tables>,
  filter: AuditFilter,
  scope: AuditScope,
  batch = EXPORT_BATCH,
): AsyncGenerator<AuditEntry[]> {
  let after = 0;
  for (;;) {
    const rows = await filtered(db, filter, scope).where("seq", ">", after).orderBy("seq", "asc").limit(batch).execute();
    if (rows.length === 0) return;
    yield rows.map(entryOf);
    after = rows.at(-1)?.seq ?? after;
    if (rows.length < batch) return;
  }
}

export function entryOf(row: AuditEntryRow): AuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    type: row.type,
    questionId: row.question_id,
    conversationId: row.conversation_id,
    actor: row.actor,
    serverName: row.server_name,
    toolName: row.tool_name,
    outcome: row.outcome,
    details: detailsOf(row.details),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function detailsOf(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    // A row edited by hand: shown as it is (verify names it).
    return { unreadable: text };
  }
}
