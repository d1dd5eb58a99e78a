import "server-only";
import type { Kysely } from "kysely";
import type { Tables } from "@/lib/db/tables";
import type { AuditVerification } from "./contract";
import { entryHash, GENESIS_HASH } from "./hash";

const VERIFY_BATCH = 5_000;

/**
 * Recomputes the whole chain, oldest first, in batches: each entry's hash over its stored fields, its link to
 * the entry before it, and that seqs run 1, 2, 3... without a gap. Names the first entry that does not match
 * and why. What a chain alone cannot show: entries removed from its end (compare `lastHash` with one kept
 * elsewhere).
 */
export async function verifyChain(db: Kysely<Tables>): Promise<AuditVerification> {
  let previous = { seq: 0, hash: GENESIS_HASH };
  let count = 0;
  for (;;) {
    const rows = await db
      .selectFrom("audit_entries")
      .selectAll()
      .where("seq", ">", previous.seq)
      .orderBy("seq")
      .limit(VERIFY_BATCH)
      .execute();
    for (const row of rows) {
      const broken =
        brokenLink(row, previous) ?? (entryHash(row) === row.hash ? undefined : "its hash does not match its content (it was changed)");
      if (broken) return { ok: false, entries: count, seq: row.seq, reason: broken };
      previous = { seq: row.seq, hash: row.hash };
      count += 1;
    }
    if (rows.length < VERIFY_BATCH) return { ok: true, entries: count, lastHash: previous.hash };
  }
}

function brokenLink(row: { seq: number; prev_hash: string }, previous: { seq: number; hash: string }): string | undefined {
  if (row.seq !== previous.seq + 1) {
    const missing = row.seq - 1 === previous.seq + 1 ? `entry ${previous.seq + 1} is` : `entries ${previous.seq + 1} to ${row.seq - 1} are`;
    return `${missing} missing before it`;
  }
  if (row.prev_hash === previous.hash) return undefined;
  return previous.seq === 0
    ? "its previous hash is not the genesis value, though it is the first entry"
    : `its previous hash is not the hash of entry ${previous.seq} (an entry before it was changed, removed or reordered)`;
}

/** One line for people: "verified N entries" or what is wrong where. */
export function describeVerification(result: AuditVerification): string {
  return result.ok
    ? `verified ${result.entries} entries (last hash ${result.lastHash})`
    : `entry ${result.seq} does not match: ${result.reason} (${result.entries} entries before it verified)`;
}
