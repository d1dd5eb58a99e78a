import "server-only";
import { createHash } from "node:crypto";
import type { AuditEntryRow } from "@/lib/db/tables";

/**
 * The hash chain, defined here once (appending and verifying both use it).
 *
 * An entry's hash is the SHA-256 (lowercase hex) of the UTF-8 text of the JSON array
 *
 *   ["elicit-chat-audit-v1", seq, at, type, question_id, conversation_id, actor, server_name, tool_name, outcome,
 *    details, prev_hash]
 *
 * in that order, as JSON.stringify writes it (no spaces; absent values as null; `details` is the stored JSON text
 * itself, as a string, so the hash never depends on how an object is serialized again). `prev_hash` is the hash of
 * the entry with the previous seq, or GENESIS_HASH for the first entry. Changing any stored field of an entry
 * changes its hash; deleting or reordering entries breaks the link of the entry after them.
 */
export const GENESIS_HASH = "0".repeat(64);
const VERSION = "elicit-chat-audit-v1";

export type HashedFields = Omit<AuditEntryRow, "hash">;

export function entryHash(entry: HashedFields): string {
  const fields = [
    VERSION,
    entry.seq,
    entry.at,
    entry.type,
    entry.question_id,
    entry.conversation_id,
    entry.actor,
    entry.server_name,
    entry.tool_name,
    entry.outcome,
    entry.details,
    entry.prev_hash,
  ];
  return createHash("sha256").update(JSON.stringify(fields), "utf8").digest("hex");
}

/** JSON text with every object's keys sorted: what `details` is stored as, so equal details are equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sorted(value)) ?? "null";
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .filter((key) => record[key] !== undefined)
        .map((key) => [key, sorted(record[key])]),
    );
  }
  return value;
}
